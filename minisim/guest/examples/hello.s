; A bare-metal program for `studyvm sim run --program hello.s --mode <mode>`.
; It starts at address 0 in kernel mode with paging off, sp at the top of memory and r1 = --scale.
; The guest ABI constants (PORT_CONSOLE, ...) and the pv-ops macros (PV_CLI, PV_SHUTDOWN, ...) are
; predefined; under --mode para the macros become hypercalls, as in the guest kernel.
    la r2, msg
    li r3, msg_end-msg
print:
    lw r4, 0(r2)
    out PORT_CONSOLE, r4        ; one device-register access a character: count the exits per mode
    addi r2, r2, 1
    addi r3, r3, -1
    bne r3, r0, print
    smsw r5                     ; sensitive but unprivileged: compare trap-emulate with native
    PV_SHUTDOWN                 ; stop the machine (r1 is the exit code)
msg: .ascii "hello from the guest\n"
msg_end:
