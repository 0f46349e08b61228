; tlb: sweep a working set of 36 pages, more than the TLB holds; page tables rarely change.
main:
    li r2, 400                  ; enough passes that TLB misses, not the 36 demand faults, dominate
    mul r9, r2, r1
    li r12, 0
    li r3, HEAP_VBASE
    li r4, 36
tl_touch:                       ; fault the pages in once
    sw r4, 0(r3)
    addi r3, r3, 256
    addi r4, r4, -1
    bne r4, r0, tl_touch
tl_pass:
    li r3, HEAP_VBASE
    li r4, 36
tl_sweep:
    lw r5, 0(r3)
    add r12, r12, r5
    lw r5, 1(r3)
    add r12, r12, r5
    addi r3, r3, 256
    addi r4, r4, -1
    bne r4, r0, tl_sweep
    addi r9, r9, -1
    bne r9, r0, tl_pass
    la r1, msg
    li r2, msg_end-msg
    mov r3, r12
    call print_line
    li r1, 0
    ret
msg: .ascii "tlb sweep sum"
msg_end:
