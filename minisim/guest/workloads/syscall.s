; syscall: null system calls.
main:
    li r2, 1500
    mul r9, r2, r1
    li r10, 0
sc_loop:
    syscall SYS_NULL
    addi r10, r10, 1
    add r10, r10, r1
    bne r10, r9, sc_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r10
    call print_line
    li r1, 0
    ret
msg: .ascii "null system calls"
msg_end:
