; nanobenchmark: a page fault the guest kernel handles (Adams & Agesen's "pgfault"), 500 x r1 times.
; Each pass unmaps page 0x2100, drops it from the TLB and reads it: the read faults and the handler
; maps the page again. Per fault = this program minus its control, in which the lines marked ";ctl"
; take part (the loop maps the page again itself before the read, so nothing faults) and the ones
; marked "[op]" do not. (`studyvm sim paper aa06` builds both.)
#include paging.inc
again:
    sw r0, 0x3051(r0)           ; unmap
;ctl    sw r11, 0x3051(r0)      ; map again (the handler's write, without the fault)
    invlpg r10
    lw r5, 0(r10)               ; faults; the handler maps the page; the read is retried
    addi r9, r9, -1
    bne r9, r0, again
    PV_SHUTDOWN
handler:
    sw r11, 0x3051(r0)
    iret
