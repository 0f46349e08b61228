; control for pgfault.s: the same page-table writes, invlpg and read, but the page is mapped again
; before the read, so nothing faults.
#include paging.inc
again:
    sw r0, 0x3051(r0)           ; unmap
    sw r11, 0x3051(r0)          ; and map again (pgfault.s's handler does this)
    invlpg r10
    lw r5, 0(r10)
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
handler:
    iret
