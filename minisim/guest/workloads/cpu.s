; cpu: an arithmetic loop; almost no kernel involvement.
main:
    li r2, 45000                ; long enough that fixed costs (one console write, the final hlt) stay under 10%
    mul r2, r2, r1
    li r3, 1
    li r4, 0
cpu_loop:
    mul r5, r3, r3
    add r4, r4, r5
    xor r4, r4, r3
    shli r6, r4, 3
    shri r7, r4, 29
    or r4, r6, r7
    addi r3, r3, 7
    addi r2, r2, -1
    bne r2, r0, cpu_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r4
    call print_line
    li r1, 0
    ret
msg: .ascii "cpu checksum"
msg_end:
