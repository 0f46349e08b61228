; popf: the kernel runs critical sections guarded by pushf/cli ... popf with interrupts on,
; and reports how many timer interrupts it took meanwhile.
main:
    li r2, 800
    mul r9, r2, r1
    li r10, 2
    li r11, 0
pp_loop:
    mov r1, r9
    syscall SYS_CRITICAL
    add r11, r11, r1
    addi r10, r10, -1
    bne r10, r0, pp_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r11
    call print_line
    li r1, 0
    ret
msg: .ascii "timer ticks inside critical sections"
msg_end:
