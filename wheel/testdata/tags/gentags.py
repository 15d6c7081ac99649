# Regenerates the *.txt golden tag lists that tags_test.go compares Target.Tags() against.
# Run with a Python that has packaging 23.x (Debian bookworm: /usr/bin/python3 gentags.py), from this directory.
# It fakes the libc probes so that the platform list is the target's, not the host's.
# packaging 23.x still orders linux_<arch> last, which is the order Target.Tags() follows.
from packaging import tags, _manylinux, _musllinux
import sysconfig
_manylinux._have_compatible_abi = lambda exe, arch: True
def plats(arch, glibc=None, musl=None):
    sysconfig.get_platform = lambda: "linux-"+arch
    _musllinux._get_musl_version = lambda exe: _musllinux._MuslVersion(*musl) if musl else None
    _manylinux._get_glibc_version = lambda: glibc if glibc else (-1,-1)
    return list(tags._linux_platforms(is_32bit=False))
for name, arch, glibc, musl, ver, abis in [("glibc236_x86_64_cp312","x86_64",(2,36),None,(3,12),["cp312"]),("musl12_aarch64_cp311","aarch64",None,(1,2),(3,11),["cp311"]),("glibc231_aarch64_cp310","aarch64",(2,31),None,(3,10),["cp310"])]:
    pl = plats(arch, glibc, musl)
    t = list(tags.cpython_tags(ver, abis, pl)) + list(tags.compatible_tags(ver, "cp%d%d"%ver, pl))
    open("%s.txt"%name,"w").write("\n".join(str(x) for x in t)+"\n")
    print(name, len(t), pl[:3], pl[-3:], len(pl))
