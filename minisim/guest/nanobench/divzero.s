; nanobenchmark: divide by zero in kernel code, 500 x r1 times (Adams & Agesen's "divzero"). The
; handler steps the saved pc past the faulting div and returns.
    mov r8, r1
    la r1, handler
    mtc tvec, r1
    li r9, 500
    mul r9, r9, r8
again:
    div r5, r6, r0
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
handler:
    lw r2, 3(sp)
    addi r2, r2, 1
    sw r2, 3(sp)
    iret
