; control for ptemod.s: the same loop with the store going to ordinary memory.
#include paging.inc
    lw r5, 0(r10)
again:
    sw r11, 0x2000(r0)          ; an ordinary store
    invlpg r10
    lw r5, 0(r10)
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
handler:
    iret
