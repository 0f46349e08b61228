; pv-ops: every privileged operation of the kernel goes through one of these macros, so one
; source builds both kernels.  Without PARAVIRT they expand to the bare instruction; with
; PARAVIRT to a hypercall (vmcall) or to plain memory operations on the shared vcpu page.
; k0 (r13) is the macros' scratch register: the kernel never keeps a value in it.

.macro PV_CLI                   ; disable interrupts
.ifdef PARAVIRT
    addi k0, r0, 1
    sw k0, VCPU_MASK(r0)        ; Xen: set evtchn_upcall_mask, no hypercall
.else
    cli
.endif
.endm

.macro PV_STI                   ; enable interrupts, taking any that are pending
.ifdef PARAVIRT
    sw r0, VCPU_MASK(r0)
    lw k0, VCPU_PENDING(r0)
    beq k0, r0, pv_sti_\@
    vmcall HC_EVENT             ; something arrived while masked: ask for it now
pv_sti_\@:
.else
    sti
.endif
.endm

.macro PV_PUSHF                 ; save the interrupt state on the stack
.ifdef PARAVIRT
    lw k0, VCPU_MASK(r0)
    xori k0, k0, IF             ; mask 0 -> IF set
    ori k0, k0, KMODE
    push k0
.else
    pushf
.endif
.endm

.macro PV_POPF                  ; restore the interrupt state saved by PV_PUSHF
.ifdef PARAVIRT
    pop k0
    andi k0, k0, IF
    xori k0, k0, IF             ; IF set -> mask 0
    sw k0, VCPU_MASK(r0)
    bne k0, r0, pv_popf_\@
    lw k0, VCPU_PENDING(r0)
    beq k0, r0, pv_popf_\@
    vmcall HC_EVENT
pv_popf_\@:
.else
    popf
.endif
.endm

.macro PV_SET_TVEC reg          ; install the trap vector
.ifdef PARAVIRT
    mov r1, \reg
    vmcall HC_SET_TRAP_TABLE
.else
    mtc tvec, \reg
.endif
.endm

.macro PV_SET_KSP reg           ; the stack traps from user mode land on
.ifdef PARAVIRT
    push r1
    mov r1, \reg
    vmcall HC_STACK_SWITCH
    pop r1
.else
    mtc ksp, \reg
.endif
.endm

.macro PV_LOAD_CR3 reg          ; switch address space (flushes the TLB)
.ifdef PARAVIRT
    push r1
    mov r1, \reg
    vmcall HC_NEW_BASEPTR
    pop r1
.else
    lcr3 \reg
.endif
.endm

.macro PV_ENABLE_PAGING         ; (a pv guest always runs paged: NEW_BASEPTR did it)
.ifndef PARAVIRT
    addi k0, r0, PAGING
    mtc status, k0
.endif
.endm

.macro PV_INVLPG reg            ; drop one TLB entry
.ifdef PARAVIRT
    push r1
    mov r1, \reg
    vmcall HC_INVLPG
    pop r1
.else
    invlpg \reg
.endif
.endm

.macro PV_SET_PTE ptr, val      ; page-table entry at physical ptr = val
.ifdef PARAVIRT
    push \val
    push \ptr
    call pv_queue_pte           ; queued; sent as one validated mmu_update list
    addi sp, sp, 2
.else
    sw \val, 0(\ptr)
.endif
.endm

.macro PV_UPDATE_VA ptr, val, va  ; entry at physical ptr (it maps va) = val, and drop va from the TLB
.ifdef PARAVIRT
    push r1
    push r2
    mov r2, \val
    mov r1, \va
    vmcall HC_UPDATE_VA_MAPPING ; Xen's update_va_mapping with UVMF_INVLPG: one validated update
    pop r2
    pop r1
.else
    sw \val, 0(\ptr)
    invlpg \va
.endif
.endm

.macro PV_MMU_FLUSH             ; make queued page-table updates take effect
.ifdef PARAVIRT
    call pv_mmu_flush
.endif
.endm

.macro PV_SET_TIMER reg         ; program the interval timer
.ifdef PARAVIRT
    mov r1, \reg
    vmcall HC_SET_TIMER
.else
    out PORT_TIMER, \reg
.endif
.endm

.macro PV_IDLE                  ; wait for an interrupt with interrupts enabled
.ifdef PARAVIRT
    vmcall HC_SCHED_BLOCK
.else
    sti
    hlt
.endif
    PV_CLI
.endm

.macro PV_SHUTDOWN              ; power off with exit code r1
.ifdef PARAVIRT
    vmcall HC_SHUTDOWN
.else
    cli
    hlt
.endif
.endm

.macro PV_BLK_NOTIFY            ; tell the block backend the ring has new requests
.ifdef PARAVIRT
    vmcall HC_EVTCHN_SEND
.else
    out PORT_BLK_NOTIFY, r0
.endif
.endm
