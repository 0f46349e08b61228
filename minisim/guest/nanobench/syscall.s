; nanobenchmark: null system calls from user mode (Adams & Agesen's "syscall"; lmbench's null call).
; The kernel part installs a trap vector and a kernel stack, then irets to a user-mode loop of
; 500 x r1 `syscall 0`; the handler returns at once. `syscall 1` ends the run.
    mov r8, r1
    la r1, handler
    mtc tvec, r1
    li r1, 0xF000
    mtc ksp, r1
    li sp, 0xE000
    sw r0, 2(sp)                ; the frame iret pops: status 0 = user mode, interrupts off
    la r2, user
    sw r2, 3(sp)                ; pc
    li r2, 0xD000
    sw r2, 4(sp)                ; the user stack
    iret
user:
    li r9, 500
    mul r9, r9, r8
again:
    syscall 0
    addi r9, r9, -1
    bne r9, r0, again
    syscall 1
handler:
    lw r4, 0(sp)                ; the system call's number
    bne r4, r0, finish
    iret
finish:
    PV_SHUTDOWN
