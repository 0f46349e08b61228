; fork: fork/exit/wait pairs (lmbench fork, Adams & Agesen's forkwait).  fork shares the parent's
; pages copy-on-write, so the work is Linux's: write-protect the parent, build the child's tables,
; then copy-on-write faults in parent and child, and the child's tables torn down at exit.
main:
    li r2, 12
    mul r9, r2, r1
    li r10, 0
    li r11, 0
    li r3, HEAP_VBASE           ; the parent owns twelve heap pages (its data), shared with every child
    li r4, 12
fk_touch:
    sw r4, 0(r3)
    addi r3, r3, 256
    addi r4, r4, -1
    bne r4, r0, fk_touch
fk_loop:
    syscall SYS_FORK
    bne r1, r0, fk_parent
    li r3, HEAP_VBASE           ; child: read eight pages of its (shared) copy of the parent's data ...
    li r5, 8
    mov r1, r10
fk_read:
    lw r4, 0(r3)
    add r1, r1, r4
    addi r3, r3, 256
    addi r5, r5, -1
    bne r5, r0, fk_read
    call fk_child_write         ; ... and write to it on its way to exit (its stack too):
    syscall SYS_EXIT            ; copy-on-write faults
fk_parent:
    call wait_child             ; the parent's stack is written: a copy-on-write fault of its own
    add r11, r11, r1
    addi r10, r10, 1
    bne r10, r9, fk_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r11
    call print_line
    li r1, 0
    ret

fk_child_write:                 ; r1 = exit code: stored in two of the shared data pages
    li r3, HEAP_VBASE+0x100
    li r5, 2
fk_write:
    sw r1, 0(r3)
    addi r3, r3, 256
    addi r5, r5, -1
    bne r5, r0, fk_write
    ret
msg: .ascii "fork+wait exit-code sum"
msg_end:
