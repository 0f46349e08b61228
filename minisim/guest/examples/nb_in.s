; Adams & Agesen's port-I/O nanobenchmark: `in` from a port with no device behind it, 500 x r1
; times (r1 = --scale), in guest kernel mode. Per iteration (cycles at scale 2 minus scale 1,
; divided by 500) on p4-2005: natively the bus access itself (≈3,200); under binary translation
; an emulated `in` that never reaches hardware (≈200, *cheaper* than native); under VT-x one exit
; (≈15,800). A real device differs: its work must still be done, by a backend (see the io workload).
    li r9, 500
    mul r9, r9, r1
loop:
    in r5, PORT_DIAG
    addi r9, r9, -1
    bne r9, r0, loop
    PV_SHUTDOWN
