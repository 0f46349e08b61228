; exec: fork, exec a new image in the child, exit, wait (lmbench "exec proc", Barham et al.'s exec
; row). The parent owns twelve heap pages shared copy-on-write with each child; the child throws
; its copy away at exec: the kernel frees its tables and pages and maps a fresh image (code and an
; empty stack), which demand-faults one heap page before it exits.
main:
    li r2, 12
    mul r9, r2, r1
    li r10, 0
    li r11, 0
    li r3, HEAP_VBASE           ; the parent's data: twelve heap pages, shared with every child
    li r4, 12
ex_touch:
    sw r4, 0(r3)
    addi r3, r3, 256
    addi r4, r4, -1
    bne r4, r0, ex_touch
ex_loop:
    syscall SYS_FORK
    bne r1, r0, ex_parent
    la r1, ex_image             ; child: replace the image, passing the round number
    mov r2, r10
    syscall SYS_EXEC
    li r1, 77                   ; never reached: exec does not return to the old image
    syscall SYS_EXIT
ex_parent:
    call wait_child
    add r11, r11, r1
    addi r10, r10, 1
    bne r10, r9, ex_loop
    la r1, msg
    li r2, msg_end-msg
    mov r3, r11
    call print_line
    li r1, 0
    ret

ex_image:                       ; the new image: r1 = its argument, a fresh stack, an empty heap
    push r1
    li r3, HEAP_VBASE
    lw r4, 0(r3)                ; a demand-paging fault: the old image's data is gone (reads 0)
    sw r1, 0(r3)
    pop r1
    add r1, r1, r4
    andi r1, r1, 127
    syscall SYS_EXIT
msg: .ascii "fork+exec+wait exit-code sum"
msg_end:
