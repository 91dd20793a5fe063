from benchmarks.moderation import cpu_description

INTEL = """processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
flags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vnni
processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
flags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vnni
"""
AMD = "model name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd asimddp i8mm\n"


def test_names_the_cpu_and_its_int8_instructions() -> None:
    assert cpu_description(INTEL) == (
        "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (avx2 avx512f avx512_vnni)"
    )
    assert cpu_description(AMD) == "AMD EPYC (avx2)"
    assert cpu_description(ARM).endswith("(asimddp i8mm)")


def test_reads_this_machine() -> None:
    assert "(" in cpu_description()
