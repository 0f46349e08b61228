; fork: fork/exit/wait pairs -- building and tearing down page tables (lmbench fork, forkwait).
main:
    li r2, 12
    mul r9, r2, r1
    li r10, 0
    li r11, 0
    li r3, HEAP_VBASE           ; the parent owns four heap pages, so every fork copies them
    li r4, 4
fk_touch:
    sw r4, 0(r3)
    addi r3, r3, 256
    addi r4, r4, -1
    bne r4, r0, fk_touch
fk_loop:
    syscall SYS_FORK
    bne r1, r0, fk_parent
    li r3, HEAP_VBASE           ; child: read its copy of the parent's data ...
    lw r4, 0(r3)
    add r1, r4, r10
    li r3, HEAP_VBASE+0x1000    ; ... write three fresh pages (page faults, like the copy-on-write
    li r5, 3                    ; faults a real fork's child takes), and exit with a code
fk_write:
    sw r1, 0(r3)
    addi r3, r3, 256
    addi r5, r5, -1
    bne r5, r0, fk_write
    syscall SYS_EXIT
fk_parent:
    call wait_child
    add r11, r11, r1
    addi r10, r10, 1
    bne r10, r9, fk_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r11
    call print_line
    li r1, 0
    ret
msg: .ascii "fork+wait exit-code sum"
msg_end:
