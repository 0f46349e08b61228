; mixed: a build-like blend -- each job is a process that computes, faults pages in,
; reads blocks and makes system calls.
main:
    li r2, 3
    mul r9, r2, r1
    li r10, 0
    li r11, 0
mx_loop:
    syscall SYS_FORK
    bne r1, r0, mx_parent
    li r2, 10000                ; child: compile-like arithmetic
    li r3, 1
    li r4, 0
mx_cpu:
    mul r5, r3, r3
    add r4, r4, r5
    addi r3, r3, 3
    addi r2, r2, -1
    bne r2, r0, mx_cpu
    li r3, HEAP_VBASE           ; fresh memory
    li r2, 8
mx_mem:
    sw r4, 0(r3)
    addi r3, r3, 256
    addi r2, r2, -1
    bne r2, r0, mx_mem
    shli r1, r10, 1             ; read its sources
    li r2, 2
    syscall SYS_READBLK
    add r4, r4, r1
    li r2, 8                    ; and a few system calls
mx_sys:
    syscall SYS_NULL
    addi r2, r2, -1
    bne r2, r0, mx_sys
    andi r1, r4, 255
    syscall SYS_EXIT
mx_parent:
    call wait_child
    add r11, r11, r1
    addi r10, r10, 1
    bne r10, r9, mx_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r11
    call print_line
    li r1, 0
    ret
msg: .ascii "jobs exit-code sum"
msg_end:
