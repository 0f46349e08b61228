; The POPF problem in five instructions. Natively the final pushf shows IF set (status 3);
; under trap-and-emulate the deprivileged popf silently drops IF and r2 differs.
    li r1, 1                    ; a saved status with IF set
    push r1
    popf                        ; restore it: enables interrupts -- unless deprivileged
    pushf
    pop r2                      ; what the CPU now says
    PV_SHUTDOWN
