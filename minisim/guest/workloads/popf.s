; popf: the kernel runs critical sections guarded by pushf/cli ... popf with interrupts on,
; and reports whether timer interrupts reached it meanwhile (1 yes, 0 never). It prints a yes/no,
; not the count: the count depends on how many instructions the kernel build executes, and the
; paravirtualized build executes more, so a count would differ between correct modes.
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
    sltu r3, r0, r11            ; 1 if any tick arrived
    call print_line
    li r1, 0
    ret
msg: .ascii "timer ticks reached the critical sections"
msg_end:
