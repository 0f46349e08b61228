; pagefault: touch a heap page (demand-paging fault), then give it back so the next touch faults.
main:
    li r2, 150
    mul r9, r2, r1
    li r10, 0
    li r11, 0
pf_loop:
    andi r3, r10, 7
    shli r3, r3, 8
    li r4, HEAP_VBASE
    add r12, r3, r4
    lw r5, 0(r12)               ; faults: a fresh zeroed page
    add r11, r11, r5
    sw r10, 0(r12)
    mov r1, r12
    syscall SYS_UNMAP
    addi r10, r10, 1
    bne r10, r9, pf_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r10
    add r3, r3, r11
    call print_line
    li r1, 0
    ret
msg: .ascii "page faults served"
msg_end:
