; User-mode runtime shared by the workloads: program entry, printing, waiting for children.
; User code is position independent (it runs at USER_VBASE, not where it is loaded).

.org USER_CODE
_ustart:                        ; r1 = --scale
    call main
    syscall SYS_EXIT

print_line:                     ; r1 = label, r2 = label length, r3 = value: prints "label value\n"
    push r9
    push r10
    push r11
    push r12
    addi sp, sp, -48
    mov r9, sp
    li r4, 0
pl_copy:
    bge r4, r2, pl_num
    add r5, r1, r4
    lw r6, 0(r5)
    add r5, r9, r4
    sw r6, 0(r5)
    addi r4, r4, 1
    b pl_copy
pl_num:
    add r9, r9, r2
    li r6, ' '
    sw r6, 0(r9)
    addi r9, r9, 1
    addi r10, sp, 47
    mov r11, r10
    li r12, 10
pl_digit:
    rem r5, r3, r12
    div r3, r3, r12
    addi r5, r5, '0'
    sw r5, 0(r11)
    addi r11, r11, -1
    bne r3, r0, pl_digit
pl_move:
    addi r11, r11, 1
    lw r5, 0(r11)
    sw r5, 0(r9)
    addi r9, r9, 1
    bne r11, r10, pl_move
    li r5, '\n'
    sw r5, 0(r9)
    addi r9, r9, 1
    mov r1, sp
    sub r2, r9, sp
    syscall SYS_WRITE
    addi sp, sp, 48
    pop r12
    pop r11
    pop r10
    pop r9
    ret

wait_child:                     ; -> r1 = a child's exit code (-1: no children)
    syscall SYS_WAIT
    li r2, -2
    bne r1, r2, wc_done
    syscall SYS_YIELD
    b wait_child
wc_done:
    ret
