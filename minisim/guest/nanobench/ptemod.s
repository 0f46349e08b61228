; nanobenchmark: modify a page-table entry (Adams & Agesen's "ptemod"), 500 x r1 times. Each pass
; rewrites T2's entry for page 0x2100 with its own value, then invlpg and a read keep T2 in use (a
; shadow MMU stops tracing a table that is written and never used). Per write = this program minus
; its control, which stores to ordinary memory instead (lines marked ";ctl" take part in the
; control, lines marked "[op]" do not).
#include paging.inc
    lw r5, 0(r10)
again:
    sw r11, 0x3051(r0)          ; [op] the page-table write
;ctl    sw r11, 0x2000(r0)      ; an ordinary store
    invlpg r10
    lw r5, 0(r10)
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
handler:
    iret
