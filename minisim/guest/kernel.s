; minisim guest kernel: boot, page tables, system calls, a timer-driven round-robin scheduler,
; copy-on-write fork, exit/wait, demand paging, a block driver (emulated registers or a
; paravirtual ring) and a console.  Every privileged operation goes through a PV_* macro (pvops.s): built without
; PARAVIRT this is the unmodified kernel, with PARAVIRT the paravirtualized one.
;
; Conventions: arguments r1-r3, result r1; r1-r8 caller-saved, r9-r12 and r14 callee-saved;
; k0 (r13) belongs to the pv-ops macros.  Helpers marked "(r1-r4)" clobber only r1-r4.
; A trap frame on the kernel stack, from sp: r14, r12 .. r1 (13 words), then the hardware's
; addr, cause, status, pc, sp (5 words).

.equ CURPROC, KDATA+1
.equ NEXTPID, KDATA+2
.equ TICKS, KDATA+3
.equ FRAME_HEAD, KDATA+4
.equ TAB_TOP, KDATA+5
.equ DIR_TOP, KDATA+8
.equ MMUQ_COUNT, KDATA+6
.equ CRIT_COUNTER, KDATA+7
.equ CUR_CR3, KDATA+9
.equ KERNEL_DIR, KDATA+10
.equ PROCS, KDATA+0x10
.equ DIR_STACK, KDATA+0x40
.equ TAB_STACK, KDATA+0x50
.equ CONBUF, KDATA+0xA0
.equ CONBUF_MAX, 96
.equ SYSTAB, KDATA+0x30
.equ BLK_PV, KDATA+11
.equ P_STATE, 0
.equ P_PID, 1
.equ P_KSP, 2
.equ P_CR3, 3
.equ P_PARENT, 4
.equ P_CODE, 5
.equ RUNNABLE, 1
.equ ZOMBIE, 2
.equ FRAME_SIZE, 18
.equ F_R1, 12
.equ F_ADDR, 13
.equ F_CAUSE, 14
.equ F_STATUS, 15
.equ F_PC, 16
.equ F_SP, 17
.equ CODE_DIR, USER_VBASE >> 12

.org 0
_start:
    li sp, KSTACKS+256
    la r1, trap_entry
    PV_SET_TVEC r1
    sw r0, FRAME_HEAD(r0)
    li r9, FRAME_LAST
    li r10, FRAME_FIRST
boot_frames:                    ; free list of user frames (descending, so allocation ascends)
    mov r1, r9
    call frame_free
    addi r9, r9, -1
    bge r9, r10, boot_frames
    sw r0, TAB_TOP(r0)
    li r9, TAB_SLOTS-1
boot_tabs:                      ; free page tables (always kept all-zero while free)
    shli r1, r9, 4
    addi r1, r1, TABPOOL
    call table_free
    addi r9, r9, -1
    bge r9, r0, boot_tabs
    sw r0, DIR_TOP(r0)
    li r9, DIR_SLOTS-1
boot_dirs:                      ; free directories keep the kernel's 16 entries (a "constructed" cache)
    shli r10, r9, 6
    addi r10, r10, DIRPOOL
    li r11, 0
boot_kpde:
    shli r2, r11, 4
    addi r2, r2, KTAB
    ori r2, r2, 3
    add r1, r10, r11
    PV_SET_PTE r1, r2
    addi r11, r11, 1
    li r3, 16
    blt r11, r3, boot_kpde
    mov r1, r10
    call dir_free
    addi r9, r9, -1
    bge r9, r0, boot_dirs
    PV_MMU_FLUSH
    call dir_alloc
    sw r1, KERNEL_DIR(r0)
    sw r1, CUR_CR3(r0)
    PV_LOAD_CR3 r1
    PV_ENABLE_PAGING
    li r1, TIMER_INTERVAL
    PV_SET_TIMER r1
.ifdef PARAVIRT
    li r1, 1                    ; a pv guest always has the ring
.else
    li r1, CONBUF
    out PORT_CONSOLE_ADDR, r1   ; the console prints from this buffer by DMA
    in r1, PORT_BLK_PV          ; probe for a paravirtual block device (as Linux probes for virtio)
.endif
    sw r1, BLK_PV(r0)
    li r1, 1
    sw r1, NEXTPID(r0)
    li r1, -1
    sw r1, CURPROC(r0)
    call dir_alloc              ; init's address space
    mov r9, r1
    mov r1, r9
    call map_image              ; its code and an empty stack
    li r8, PROCS
    li r1, RUNNABLE
    sw r1, P_STATE(r8)
    li r1, 1
    sw r1, P_PID(r8)
    li r1, 2
    sw r1, NEXTPID(r0)
    sw r9, P_CR3(r8)
    li r1, -1
    sw r1, P_PARENT(r8)
    li r2, KSTACKS+256-FRAME_SIZE
    sw r2, P_KSP(r8)
    li r3, 0
boot_frame:                     ; a trap frame that "returns" to user mode at the program's start
    add r4, r2, r3
    sw r0, 0(r4)
    addi r3, r3, 1
    li r5, FRAME_SIZE
    blt r3, r5, boot_frame
    lw r1, BOOTINFO_SCALE(r0)
    sw r1, F_R1(r2)
    li r1, IF
    sw r1, F_STATUS(r2)
    li r1, USER_VBASE
    sw r1, F_PC(r2)
    li r1, USTACK_TOP
    sw r1, F_SP(r2)
    li r1, 0
    jmp switch_to

; ---- traps ----------------------------------------------------------------------------------
trap_entry:                     ; laid out so that a system call runs straight through
    push r1
    push r2
    push r3
    push r4
    push r5
    push r6
    push r7
    push r8
    push r9
    push r10
    push r11
    push r12
    push r14
    lw r4, F_CAUSE(sp)
    andi r4, r4, CAUSE_MASK
    li r5, CAUSE_SYSCALL
    bne r4, r5, trap_other
do_syscall:
    lw r4, F_ADDR(sp)
    li r5, 11
    bgeu r4, r5, sys_bad
    lw r5, SYSTAB(r4)
    callr r5
syscall_done:
    sw r1, F_R1(sp)
trap_return:
    pop r14
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop r7
    pop r6
    pop r5
    pop r4
    pop r3
    pop r2
    pop r1
    iret

sys_bad:
    li r1, -1
    jmp syscall_done

trap_other:
    li r5, CAUSE_TIMER
    beq r4, r5, do_timer
    li r5, CAUSE_PAGE_FAULT
    beq r4, r5, do_pf
    jmp kill_current

do_timer:
    lw r1, TICKS(r0)
    addi r1, r1, 1
    sw r1, TICKS(r0)
    lw r2, F_STATUS(sp)
    andi r2, r2, KMODE
    bne r2, r0, trap_return     ; interrupted the kernel: just return
    jmp schedule                ; interrupted a process: preempt it

do_pf:                          ; demand paging of the heap, copy-on-write; anything else kills the process
    lw r1, F_ADDR(sp)
    lw r4, F_CAUSE(sp)
    andi r5, r4, PF_PROT
    bne r5, r0, pf_protect
    li r5, HEAP_VBASE
    bltu r1, r5, kill_current
    li r5, HEAP_VBASE+HEAP_PAGES*256
    bgeu r1, r5, kill_current
    call map_page
    jmp trap_return
pf_protect:                     ; a present page: only a store to a copy-on-write page is legal
    andi r5, r4, PF_WRITE
    beq r5, r0, kill_current
    call cow_fault
    bne r1, r0, kill_current
    jmp trap_return

kill_current:
    li r1, 255
    jmp do_exit

; ---- scheduler ------------------------------------------------------------------------------
schedule:                       ; the current process's trap frame is at sp
    lw r1, CURPROC(r0)
    shli r8, r1, 3
    addi r8, r8, PROCS
    sw sp, P_KSP(r8)
pick:                           ; round robin after process r1
    li r6, NPROC
    mov r2, r1
pick_loop:
    addi r2, r2, 1
    blt r2, r6, pick_nowrap
    li r2, 0
pick_nowrap:
    shli r8, r2, 3
    addi r8, r8, PROCS
    lw r3, P_STATE(r8)
    li r4, RUNNABLE
    beq r3, r4, pick_found
    bne r2, r1, pick_loop
    PV_IDLE
    jmp pick
pick_found:
    mov r1, r2
switch_to:                      ; resume process r1 from its saved trap frame
    lw r3, CURPROC(r0)
    shli r8, r1, 3
    addi r8, r8, PROCS
    lw sp, P_KSP(r8)
    beq r3, r1, trap_return
    sw r1, CURPROC(r0)
    addi r2, r1, 1
    shli r2, r2, 8
    addi r2, r2, KSTACKS
    PV_SET_KSP r2
    lw r2, P_CR3(r8)
    lw r3, CUR_CR3(r0)
    beq r2, r3, trap_return
    sw r2, CUR_CR3(r0)
    PV_LOAD_CR3 r2
    jmp trap_return

; ---- system calls (called with the trap frame at sp+1) ---------------------------------------
sys_null:
    li r1, 0
    ret

sys_ticks:
    lw r1, TICKS(r0)
    ret

sys_yield:
    addi sp, sp, 1
    sw r0, F_R1(sp)
    jmp schedule

sys_write:                      ; r1 = buffer, r2 = length (at most 128)
    li r3, CONBUF_MAX
    bltu r2, r3, wr_len
    mov r2, r3
wr_len:
.ifdef PARAVIRT
    vmcall HC_CONSOLE
.else
    li r3, 0
    li r6, CONBUF
wr_copy:                        ; into a kernel buffer the console device reads by DMA
    bge r3, r2, wr_go
    add r4, r1, r3
    lw r5, 0(r4)
    add r4, r6, r3
    sw r5, 0(r4)
    addi r3, r3, 1
    jmp wr_copy
wr_go:
    out PORT_CONSOLE_LEN, r2
.endif
    mov r1, r2
    ret

sys_exit:
    addi sp, sp, 1
do_exit:                        ; r1 = exit code
    mov r9, r1
    lw r1, CURPROC(r0)
    shli r10, r1, 3
    addi r10, r10, PROCS
    sw r9, P_CODE(r10)
    li r2, ZOMBIE
    sw r2, P_STATE(r10)
    lw r2, P_PID(r10)
    li r3, 1
    bne r2, r3, exit_free
    mov r1, r9                  ; init exited: power off with its code (nothing to free)
    PV_SHUTDOWN
exit_free:
    lw r1, P_CR3(r10)
    call free_space
    lw r1, KERNEL_DIR(r0)
    sw r1, CUR_CR3(r0)
    PV_LOAD_CR3 r1
    lw r1, P_CR3(r10)
    call dir_free
    lw r1, CURPROC(r0)
    jmp pick

sys_wait:                       ; reap a zombie child: its code; -1 no children; -2 try again
    lw r1, CURPROC(r0)
    li r2, 0
    li r7, 0
wait_loop:
    shli r3, r2, 3
    addi r3, r3, PROCS
    lw r4, P_STATE(r3)
    beq r4, r0, wait_next
    lw r5, P_PARENT(r3)
    bne r5, r1, wait_next
    li r6, ZOMBIE
    bne r4, r6, wait_alive
    sw r0, P_STATE(r3)
    lw r1, P_CODE(r3)
    ret
wait_alive:
    li r7, 1
wait_next:
    addi r2, r2, 1
    li r6, NPROC
    blt r2, r6, wait_loop
    li r1, -1
    beq r7, r0, wait_done
    li r1, -2
wait_done:
    ret

sys_fork:
    push r9
    push r10
    push r11
    push r12
    li r9, 0
fork_find:
    shli r10, r9, 3
    addi r10, r10, PROCS
    lw r2, P_STATE(r10)
    beq r2, r0, fork_found
    addi r9, r9, 1
    li r3, NPROC
    blt r9, r3, fork_find
    li r1, -1
    jmp fork_out
fork_found:
    lw r1, CUR_CR3(r0)
    call copy_space
    sw r1, P_CR3(r10)
    lw r1, CUR_CR3(r0)          ; the parent's entries were write-protected: flush its TLB (flush_tlb_mm)
    PV_LOAD_CR3 r1
    addi r11, r9, 1
    shli r11, r11, 8
    addi r11, r11, KSTACKS-FRAME_SIZE
    sw r11, P_KSP(r10)
    addi r2, sp, 5              ; the parent's trap frame (4 saved registers + return address)
    li r3, 0
fork_copy:
    add r4, r2, r3
    lw r5, 0(r4)
    add r4, r11, r3
    sw r5, 0(r4)
    addi r3, r3, 1
    li r6, FRAME_SIZE
    blt r3, r6, fork_copy
    sw r0, F_R1(r11)            ; the child sees 0
    lw r1, CURPROC(r0)
    sw r1, P_PARENT(r10)
    lw r1, NEXTPID(r0)
    sw r1, P_PID(r10)
    addi r2, r1, 1
    sw r2, NEXTPID(r0)
    li r2, RUNNABLE
    sw r2, P_STATE(r10)
fork_out:
    pop r12
    pop r11
    pop r10
    pop r9
    ret

sys_readblk:                    ; r1 = first sector, r2 = count: returns the sum of the words read
    push r9
    push r10
    push r11
    push r12
    mov r9, r1
    mov r10, r2
    li r11, 0
rb_batch:
    beq r10, r0, rb_done
    li r12, 4
    bgeu r10, r12, rb_go
    mov r12, r10
rb_go:
    mov r1, r9
    mov r2, r12
    call blk_read
    shli r3, r12, 6
    li r4, BOUNCE
rb_sum:
    lw r5, 0(r4)
    add r11, r11, r5
    addi r4, r4, 1
    addi r3, r3, -1
    bne r3, r0, rb_sum
    add r9, r9, r12
    sub r10, r10, r12
    jmp rb_batch
rb_done:
    mov r1, r11
    pop r12
    pop r11
    pop r10
    pop r9
    ret

sys_unmap:                      ; r1 = heap address: drop its page
    li r2, HEAP_VBASE
    bltu r1, r2, um_done
    lw r2, CUR_CR3(r0)
    shri r3, r1, 12
    add r2, r2, r3
    lw r4, 0(r2)
    andi r5, r4, 1
    beq r5, r0, um_done
    andi r4, r4, 0xFFF0
    shri r3, r1, 8
    andi r3, r3, 15
    add r6, r4, r3
    lw r7, 0(r6)
    andi r5, r7, 1
    beq r5, r0, um_done
    mov r8, r1
    shri r1, r7, 8
    call frame_put
    PV_SET_PTE r6, r0
    PV_MMU_FLUSH
    PV_INVLPG r8
um_done:
    li r1, 0
    ret

sys_critical:                   ; r1 = rounds of a pushf/cli/.../popf critical section, interrupts on
    lw r7, TICKS(r0)
    PV_STI
crit_loop:
    beq r1, r0, crit_done
    PV_PUSHF
    PV_CLI
    lw r2, CRIT_COUNTER(r0)
    addi r2, r2, 1
    sw r2, CRIT_COUNTER(r0)
    PV_POPF
    li r3, 30
crit_busy:
    addi r3, r3, -1
    bne r3, r0, crit_busy
    addi r1, r1, -1
    jmp crit_loop
crit_done:
    PV_CLI
    lw r1, TICKS(r0)
    sub r1, r1, r7              ; timer interrupts taken inside the system call
    ret
