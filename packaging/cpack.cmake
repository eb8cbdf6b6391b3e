# SPDX-License-Identifier: Apache-2.0
# A .deb of the nwtrace binary. The probes are embedded, so the package holds
# one file; libbcc compiles them at run time against the installed kernel headers.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nwtrace)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "nwtrace maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "See what the Linux network stack does to your traffic (BPF, libbcc)")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libbpfcc (>= 0.26), libbpf1, libjansson4, zlib1g")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "linux-headers-amd64")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
