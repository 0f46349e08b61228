; nanobenchmark: a call and a return in kernel code, 500 x r1 times (Adams & Agesen's "call/ret":
; the return is an indirect branch, which binary translation must look up in its translation cache).
    li r9, 500
    mul r9, r9, r1
again:
    call leaf
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
leaf:
    ret
