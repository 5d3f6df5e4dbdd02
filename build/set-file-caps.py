"""set-file-caps.py PATH: give PATH the file capability cap_net_bind_service=+ep.

pyfn-host runs as the non-root user `pyfn` and must listen on port 80. Docker and
podman's own network namespaces allow that through the sysctl
net.ipv4.ip_unprivileged_port_start=0, but not host networking, nor older engines; a file
capability works everywhere the container keeps NET_BIND_SERVICE in its bounding set
(docker's and podman's default). Written with os.setxattr so the image needs no
libcap2-bin. Format: struct vfs_cap_data, revision 2 (linux/capability.h).
"""
import os
import struct
import sys

VFS_CAP_REVISION_2 = 0x02000000
VFS_CAP_FLAGS_EFFECTIVE = 0x000001
CAP_NET_BIND_SERVICE = 10

value = struct.pack("<5I", VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE,
                    1 << CAP_NET_BIND_SERVICE, 0, 0, 0)
os.setxattr(sys.argv[1], "security.capability", value)
