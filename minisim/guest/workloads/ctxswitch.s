; ctxswitch: two processes hand the CPU to each other (lmbench context switch).
main:
    li r2, 300
    mul r9, r2, r1
    syscall SYS_FORK
    mov r11, r1
    li r10, 0
cs_loop:
    syscall SYS_YIELD
    addi r10, r10, 1
    bne r10, r9, cs_loop
    beq r11, r0, cs_child
    call wait_child
    la r1, msg
    li r2, msg_end-msg
    add r3, r10, r1
    call print_line
    li r1, 0
    ret
cs_child:
    li r1, 0
    syscall SYS_EXIT
msg: .ascii "yields"
msg_end:
