; Kernel memory management, block driver and pv helpers (continues kernel.s).

frame_alloc:                    ; -> r1 = a free user frame  (r1-r4)
    lw r1, FRAME_HEAD(r0)
    beq r1, r0, out_of_memory
    shli r2, r1, 8
    lw r3, 0(r2)
    sw r3, FRAME_HEAD(r0)
    li r2, 1                    ; one user so far
    sw r2, REFCNT(r1)
    ret

frame_put:                      ; r1 = frame: drop one reference; the last one frees it  (r1-r4)
    lw r2, REFCNT(r1)
    addi r2, r2, -1
    sw r2, REFCNT(r1)
    beq r2, r0, frame_free
    ret

frame_free:                     ; r1 = frame  (r1-r4)
    shli r2, r1, 8
    lw r3, FRAME_HEAD(r0)
    sw r3, 0(r2)
    sw r1, FRAME_HEAD(r0)
    ret

frame_alloc_zero:               ; -> r1 = a zeroed frame  (r1-r4)
    call frame_alloc
    shli r2, r1, 8
    li r3, 256
fz_loop:
    sw r0, 0(r2)
    addi r2, r2, 1
    addi r3, r3, -1
    bne r3, r0, fz_loop
    ret

copy_frame:                     ; r1 = destination frame, r2 = source frame  (r1-r4)
    shli r1, r1, 8
    shli r2, r2, 8
    li r3, 256
cf_loop:
    lw r4, 0(r2)
    sw r4, 0(r1)
    addi r1, r1, 1
    addi r2, r2, 1
    addi r3, r3, -1
    bne r3, r0, cf_loop
    ret

table_alloc:                    ; -> r1 = a free, all-zero 16-entry page table  (r1-r4)
    lw r2, TAB_TOP(r0)
    beq r2, r0, out_of_memory
    addi r2, r2, -1
    sw r2, TAB_TOP(r0)
    lw r1, TAB_STACK(r2)
    ret

table_free:                     ; r1 = table, already all-zero  (r1-r4)
    lw r2, TAB_TOP(r0)
    sw r1, TAB_STACK(r2)
    addi r2, r2, 1
    sw r2, TAB_TOP(r0)
    ret

dir_alloc:                      ; -> r1 = a free directory: kernel entries set, user entries zero  (r1-r4)
    lw r2, DIR_TOP(r0)
    beq r2, r0, out_of_memory
    addi r2, r2, -1
    sw r2, DIR_TOP(r0)
    lw r1, DIR_STACK(r2)
    ret

dir_free:                       ; r1 = directory, user entries already zero  (r1-r4)
    lw r2, DIR_TOP(r0)
    sw r1, DIR_STACK(r2)
    addi r2, r2, 1
    sw r2, DIR_TOP(r0)
    ret

out_of_memory:
    li r1, 99
    PV_SHUTDOWN

copy_space:                     ; r1 = directory -> r1 = a copy sharing every page (Linux's copy_page_range)
    push r9                     ; code is shared read-only; data is shared copy-on-write: the parent's
    push r10                    ; writable entries lose W and gain COW, and each frame gains a reference
    push r11
    push r12
    push r14
    mov r9, r1
    call dir_alloc
    mov r10, r1
    li r11, CODE_DIR
cs_dir:
    add r1, r9, r11
    lw r2, 0(r1)
    andi r3, r2, 1
    beq r3, r0, cs_next
    andi r12, r2, 0xFFF0
    call table_alloc
    mov r14, r1
    li r7, 0
cs_pte:                         ; only present entries are written: a fresh table is all-zero
    add r1, r12, r7
    lw r2, 0(r1)
    andi r3, r2, 1
    beq r3, r0, cs_skip
    li r3, CODE_DIR
    beq r11, r3, cs_set
    shri r3, r2, 8
    lw r4, REFCNT(r3)
    addi r4, r4, 1
    sw r4, REFCNT(r3)
    andi r3, r2, 2
    beq r3, r0, cs_set          ; read-only already (still shared from an earlier fork)
    xori r2, r2, 2+PTE_COW      ; writable -> read-only, copy-on-write
    PV_SET_PTE r1, r2
cs_set:
    add r1, r14, r7
    PV_SET_PTE r1, r2
cs_skip:
    addi r7, r7, 1
    li r3, 16
    blt r7, r3, cs_pte
    ori r2, r14, 7
    add r1, r10, r11
    PV_SET_PTE r1, r2
cs_next:
    addi r11, r11, 1
    li r3, 64
    blt r11, r3, cs_dir
    PV_MMU_FLUSH
    mov r1, r10
    pop r14
    pop r12
    pop r11
    pop r10
    pop r9
    ret

cow_fault:                      ; r1 = address stored to -> r1 = 0 when copy-on-write handled it, 1 if not COW
    push r9
    push r10
    mov r9, r1
    lw r2, CUR_CR3(r0)
    shri r3, r9, 12
    add r2, r2, r3
    lw r4, 0(r2)
    andi r5, r4, 1
    beq r5, r0, cow_no
    andi r4, r4, 0xFFF0
    shri r5, r9, 8
    andi r5, r5, 15
    add r10, r4, r5
    lw r6, 0(r10)
    andi r5, r6, PTE_COW
    beq r5, r0, cow_no
    shri r1, r6, 8
    lw r2, REFCNT(r1)
    li r3, 1
    beq r2, r3, cow_own         ; the last sharer takes the frame back: no copy
    addi r2, r2, -1
    sw r2, REFCNT(r1)
    mov r7, r1                  ; (r5-r8 survive the r1-r4 helpers)
    call frame_alloc
    mov r8, r1
    mov r2, r7
    call copy_frame
    mov r1, r8
cow_own:
    shli r2, r1, 8
    ori r2, r2, 7
    PV_UPDATE_VA r10, r2, r9    ; and drop the read-only entry the TLB still holds
    li r1, 0
    jmp cow_out
cow_no:
    li r1, 1
cow_out:
    pop r10
    pop r9
    ret

free_space:                     ; r1 = directory: unmap and free every user page and table
    push r9
    push r10
    push r11
    push r12
    mov r9, r1
    li r10, CODE_DIR
fs_dir:
    add r1, r9, r10
    lw r2, 0(r1)
    andi r3, r2, 1
    beq r3, r0, fs_next
    andi r11, r2, 0xFFF0
    li r12, 0
fs_pte:
    add r1, r11, r12
    lw r2, 0(r1)
    andi r3, r2, 1
    beq r3, r0, fs_pte_next
    li r3, CODE_DIR
    beq r10, r3, fs_clear
    push r1
    shri r1, r2, 8
    call frame_put
    pop r1
fs_clear:
    PV_SET_PTE r1, r0
fs_pte_next:
    addi r12, r12, 1
    li r3, 16
    blt r12, r3, fs_pte
    mov r1, r11
    call table_free
    add r1, r9, r10
    PV_SET_PTE r1, r0
fs_next:
    addi r10, r10, 1
    li r3, 64
    blt r10, r3, fs_dir
    PV_MMU_FLUSH
    pop r12
    pop r11
    pop r10
    pop r9
    ret

map_page:                       ; r1 = heap address: map a fresh zeroed frame there
    push r9
    push r10
    mov r9, r1
    lw r2, CUR_CR3(r0)
    shri r3, r9, 12
    add r10, r2, r3
    lw r4, 0(r10)
    andi r5, r4, 1
    bne r5, r0, mp_have
    call table_alloc
    ori r4, r1, 7
    PV_SET_PTE r10, r4
mp_have:
    andi r4, r4, 0xFFF0
    shri r5, r9, 8
    andi r5, r5, 15
    add r10, r4, r5
    call frame_alloc_zero
    shli r2, r1, 8
    ori r2, r2, 7
    PV_SET_PTE r10, r2
    PV_MMU_FLUSH
    pop r10
    pop r9
    ret

blk_read:                       ; r1 = first sector, r2 = count (<= 4) into BOUNCE  (r1-r8)
    lw r3, BLK_PV(r0)
    beq r3, r0, blk_emulated
    lw r3, RING+RING_REQ_PROD(r0)
    li r4, 0
blk_queue:                      ; paravirtual: queue every request on the shared ring...
    andi r5, r3, RING_SLOTS-1
    shli r5, r5, 1
    addi r5, r5, RING+RING_REQS
    add r6, r1, r4
    sw r6, 0(r5)
    shli r6, r4, 6
    addi r6, r6, BOUNCE
    sw r6, 1(r5)
    addi r3, r3, 1
    addi r4, r4, 1
    blt r4, r2, blk_queue
    sw r3, RING+RING_REQ_PROD(r0)
    PV_BLK_NOTIFY               ; ...and notify once
blk_wait:
    lw r4, RING+RING_RSP_PROD(r0)
    bne r4, r3, blk_wait
    ret
blk_emulated:
    li r4, 0
blk_one:                        ; emulated device: four register accesses a sector
    add r6, r1, r4
    out PORT_BLK_SECTOR, r6
    shli r6, r4, 6
    addi r6, r6, BOUNCE
    out PORT_BLK_ADDR, r6
    addi r6, r0, 1
    out PORT_BLK_CMD, r6
blk_poll:
    in r6, PORT_BLK_STATUS
    beq r6, r0, blk_poll
    addi r4, r4, 1
    blt r4, r2, blk_one
    ret

.ifdef PARAVIRT
pv_queue_pte:                   ; stack: return, ptr, value -> append to the mmu_update queue
    push r1
    push r2
    lw r1, MMUQ_COUNT(r0)
    shli r2, r1, 1
    lw k0, 3(sp)
    sw k0, MMUQ(r2)
    lw k0, 4(sp)
    sw k0, MMUQ+1(r2)
    addi r1, r1, 1
    sw r1, MMUQ_COUNT(r0)
    li k0, MMUQ_MAX
    bne r1, k0, pvq_done
    call pv_mmu_flush
pvq_done:
    pop r2
    pop r1
    ret

pv_mmu_flush:                   ; one hypercall validates and applies the whole queue
    push r1
    push r2
    lw r2, MMUQ_COUNT(r0)
    beq r2, r0, pvf_done
    li r1, MMUQ
    vmcall HC_MMU_UPDATE
    sw r0, MMUQ_COUNT(r0)
pvf_done:
    pop r2
    pop r1
    ret
.endif

map_image:                      ; r1 = directory with no user entries: map the shared user code
    push r9                     ; read-only and one empty stack page below USTACK_TOP (a new image)
    push r10
    push r11
    mov r9, r1
    call table_alloc            ; the code table maps the shared user-code frames read-only
    mov r10, r1
    li r11, 0
mi_code:
    li r2, USER_CODE>>8
    add r2, r2, r11
    shli r2, r2, 8
    ori r2, r2, 5
    add r1, r10, r11
    PV_SET_PTE r1, r2
    addi r11, r11, 1
    li r3, 4
    blt r11, r3, mi_code
    ori r2, r10, 7
    addi r1, r9, CODE_DIR
    PV_SET_PTE r1, r2
    call table_alloc            ; the stack: one zeroed page below USTACK_TOP
    mov r10, r1
    call frame_alloc_zero
    shli r2, r1, 8
    ori r2, r2, 7
    addi r1, r10, 15
    PV_SET_PTE r1, r2
    ori r2, r10, 7
    addi r1, r9, 63
    PV_SET_PTE r1, r2
    PV_MMU_FLUSH
    pop r11
    pop r10
    pop r9
    ret

sys_exec:                       ; r1 = entry (a user-code address), r2 = the new image's r1 (Linux's execve):
    push r9                     ; the old image's pages and tables go, the new one starts with the code
    push r10                    ; mapped, an empty stack, clean registers and nothing else
    mov r9, r1
    mov r10, r2
    lw r1, CUR_CR3(r0)
    call free_space
    lw r1, CUR_CR3(r0)
    call map_image
    lw r1, CUR_CR3(r0)          ; the same directory: reloading it drops the old image's translations
    PV_LOAD_CR3 r1
    addi r2, sp, 3              ; the caller's trap frame (2 saved registers + return address)
    li r3, 0
ex_clear:                       ; its saved registers (all but r1, which returns the argument) start at 0
    add r4, r2, r3
    sw r0, 0(r4)
    addi r3, r3, 1
    li r4, F_R1
    blt r3, r4, ex_clear
    sw r9, F_PC(r2)
    li r3, USTACK_TOP
    sw r3, F_SP(r2)
    mov r1, r10
    pop r10
    pop r9
    ret

; The system-call table lives in the kernel's data page (data never shares a page with code).
.org SYSTAB
    .word sys_exit, sys_write, sys_fork, sys_wait, sys_yield, sys_null, sys_readblk, sys_unmap, sys_critical
    .word sys_ticks, sys_exec
