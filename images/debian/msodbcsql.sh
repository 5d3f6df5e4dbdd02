#!/bin/sh
# msodbcsql.sh: Microsoft ODBC Driver 18 for SQL Server, from Microsoft's apt repository,
# as Azure's images install it. Opt-in (build arg INSTALL_MSODBCSQL=1) because
# packages.microsoft.com is unreachable from some build machines (the project's own) and
# its license must be accepted (ACCEPT_EULA=Y). Untested where Microsoft is unreachable.
set -eu
. /etc/os-release

apt-install curl gnupg
curl -fsSL https://packages.microsoft.com/keys/microsoft.asc | gpg --dearmor -o /usr/share/keyrings/microsoft-prod.gpg
echo "deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/microsoft-prod.gpg] https://packages.microsoft.com/debian/${VERSION_ID}/prod ${VERSION_CODENAME} main" \
  > /etc/apt/sources.list.d/microsoft-prod.list
apt-get update -qq
ACCEPT_EULA=Y DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends msodbcsql18
apt-get purge -y -qq --auto-remove curl gnupg
apt-install --clean
