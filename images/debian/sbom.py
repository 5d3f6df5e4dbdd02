"""sbom.py: the image's software bill of materials (CycloneDX 1.6 JSON), in two steps.

  sbom.py static MAPDIR OUTDIR BINARY...     (builder stage, right after the link)
  sbom.py image --static JSON --out FILE [--name N --tag T --revision R --version V]
                                             (last step of each runtime stage)

`static`: what the link put into each binary, and from which Debian package it came.
The link wrote one GNU ld map file per executable into MAPDIR (`-Wl,-Map=MAPDIR/`, named
<binary>.map). From it: every archive the linker pulled a member from ("Archive member
included to satisfy reference by file") and every object file loaded from the system
(crt*.o of glibc and GCC). Each file is mapped to the package owning it with `dpkg -S`;
dpkg-query gives that package's version, architecture and source package; the license
comes from its copyright file when that is machine-readable (DEP-5). No table of library
names is kept here: everything comes from the link. Writes into OUTDIR:
  link/<binary>.txt        the link record: one archive or object path a line
  static-libraries.json    {"binaries": {name: [package:arch...]}, "packages": [...]}
A file that no package owns fails the step (the SBOM would be incomplete).

`image`: the CycloneDX document of the image it runs in:
  - every installed Debian package (dpkg's database): version, architecture, source
    package and version, license where the copyright file declares it (DEP-5);
  - the Python distributions on python3's path (*.dist-info, *.egg-info);
  - pyfn's own components: pyfn-host, pyfn-worker (versions from --version) and
    azure.functions (its __version__), each with the git revision;
  - the static libraries of pyfn-host and pyfn-worker (from `static`), each linked to
    its binaries through "dependencies" and marked with the property pyfn:linkage=static.
Deterministic: no wall-clock time (metadata.timestamp = SOURCE_DATE_EPOCH), a serial
number derived from the content, everything sorted. Standard library only (it runs with
the image's own python3, 3.9 and later).
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import uuid

ARCHIVE_SECTION = "Archive member included to satisfy reference by file (symbol)"
SYSTEM_DIRS = ("/usr/", "/lib/", "/lib64/", "/lib32/")
# Headers that end the archive-member section in GNU ld's map output.
NEXT_SECTIONS = ("Discarded input sections", "Allocating common symbols",
                 "Memory Configuration", "As-needed library included")


def linked_files(map_path):
    """Archives (with members pulled in) and outside object files of one link."""
    text = open(map_path, encoding="utf-8", errors="replace").read()
    files = set()
    start = text.find(ARCHIVE_SECTION)
    if start >= 0:
        end = len(text)
        for header in NEXT_SECTIONS:
            i = text.find("\n" + header, start)
            if i >= 0:
                end = min(end, i)
        for m in re.finditer(r"^(/[^\s()]+\.a)\(", text[start:end], re.M):
            files.add(os.path.normpath(m.group(1)))
    # Objects given on the command line from the system (crt1.o, crti.o, crtbeginS.o ...).
    for m in re.finditer(r"^LOAD (/\S+\.o)$", text, re.M):
        files.add(os.path.normpath(m.group(1)))
    # Only the system's files: the build's own archives and objects are pyfn itself.
    return sorted(f for f in files if f.startswith(SYSTEM_DIRS))


def owner(path):
    """package:arch owning PATH, trying the /usr-merged and resolved aliases."""
    candidates = [path, os.path.realpath(path)]
    if path.startswith("/usr/"):
        candidates.append(path[4:])
    else:
        candidates.append("/usr" + path)
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if line.startswith("diversion by"):
                continue
            pkg = line.split(": ", 1)[0].split(",")[0].strip()
            if pkg:
                return pkg
    return None


def query(pkg):
    fmt = "${Package}\t${Architecture}\t${Version}\t${source:Package}\t${source:Version}"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt, pkg], capture_output=True,
                         text=True, check=True).stdout.strip()
    name, arch, version, source, source_version = out.split("\t")
    return dict(package=name, arch=arch, version=version, source=source,
                source_version=source_version)


def dep5_license(pkg_name):
    """The License of the `Files: *` paragraph of a DEP-5 copyright file, else None."""
    path = "/usr/share/doc/%s/copyright" % pkg_name
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    if not re.match(r"(?i)format:\s*\S*(copyright-format|dep5)", text.lstrip()):
        return None
    for para in re.split(r"\n\s*\n", text):
        fields = {}
        for m in re.finditer(r"^([A-Za-z-]+):[ \t]*(.*)$", para, re.M):
            fields.setdefault(m.group(1).lower(), m.group(2).strip())
        if fields.get("files", "").split()[:1] == ["*"] and fields.get("license"):
            return fields["license"]
    return None


def static_libraries(mapdir, outdir, binaries):
    os.makedirs(os.path.join(outdir, "link"), exist_ok=True)
    packages, result, missing = {}, {}, []
    for binary in binaries:
        name = os.path.basename(binary)
        map_path = os.path.join(mapdir, name + ".map")
        files = linked_files(map_path)
        if not files:
            sys.exit("static-libraries: %s lists no archive members (not a map of the link?)" % map_path)
        with open(os.path.join(outdir, "link", name + ".txt"), "w") as f:
            f.write("".join(p + "\n" for p in files))
        owned = set()
        for path in files:
            pkg = owner(path)
            if not pkg:
                missing.append(path)
                continue
            info = packages.get(pkg)
            if info is None:
                info = query(pkg)
                info["license"] = dep5_license(info["package"])
                info["files"] = set()
                packages[pkg] = info
            info["files"].add(path)
            owned.add("%s:%s" % (info["package"], info["arch"]))
        result[name] = sorted(owned)
    if missing:
        sys.exit("static-libraries: no package owns " + ", ".join(missing))
    doc = {
        "binaries": result,
        "packages": [dict(info, files=sorted(info["files"]))
                     for _, info in sorted(packages.items())],
    }
    with open(os.path.join(outdir, "static-libraries.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    for name, pkgs in sorted(result.items()):
        print("static-libraries: %s: %s" % (name, " ".join(pkgs)))



def purl_escape(s):
    return "".join(c if c.isalnum() or c in ".-_~" else "%%%02X" % ord(c) for c in s)


def os_release():
    info = {}
    with open("/etc/os-release") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                info[k] = v.strip('"')
    return info


def deb_purl(p, distro):
    q = "arch=%s&distro=%s" % (p["arch"], distro)
    if p["source"] and p["source"] != p["package"] or p["source_version"] != p["version"]:
        upstream = p["source"] or p["package"]
        if p["source_version"] and p["source_version"] != p["version"]:
            upstream += "@" + p["source_version"]
        q += "&upstream=" + purl_escape(upstream)
    return "pkg:deb/debian/%s@%s?%s" % (purl_escape(p["package"]), purl_escape(p["version"]), q)


def licenses(name):
    return [{"license": {"name": name, "acknowledgement": "declared"}}] if name else []


def deb_component(p, distro, ref, extra_props=()):
    props = [("pyfn:debian:source", p["source"] or p["package"]),
             ("pyfn:debian:source-version", p["source_version"] or p["version"]),
             ("pyfn:debian:architecture", p["arch"])]
    props += list(extra_props)
    c = {
        "type": "library",
        "bom-ref": ref,
        "name": p["package"],
        "version": p["version"],
        "purl": deb_purl(p, distro),
        "licenses": licenses(p.get("license")),
        "properties": [{"name": k, "value": v} for k, v in props],
    }
    if not c["licenses"]:
        del c["licenses"]
    return c


def installed_packages():
    fmt = ("${db:Status-Abbrev}\t${Package}\t${Architecture}\t${Version}\t"
           "${source:Package}\t${source:Version}\n")
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, text=True,
                         check=True).stdout
    pkgs = []
    for line in out.splitlines():
        status, name, arch, version, source, source_version = line.split("\t")
        if not status.startswith("ii"):
            continue
        pkgs.append(dict(package=name, arch=arch, version=version, source=source,
                         source_version=source_version, license=dep5_license(name)))
    return sorted(pkgs, key=lambda p: (p["package"], p["arch"]))


def python_distributions():
    """(name, version, path) of every *.dist-info / *.egg-info on python3's path."""
    seen = {}
    for d in sys.path:
        if not d or not os.path.isdir(d):
            continue
        for entry in sorted(os.listdir(d)):
            meta = None
            if entry.endswith(".dist-info"):
                meta = os.path.join(d, entry, "METADATA")
            elif entry.endswith(".egg-info"):
                meta = os.path.join(d, entry)
                if os.path.isdir(meta):
                    meta = os.path.join(meta, "PKG-INFO")
            if not meta or not os.path.isfile(meta):
                continue
            fields = {}
            with open(meta, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break
                    if ":" in line and not line[0].isspace():
                        k, v = line.split(":", 1)
                        fields.setdefault(k.strip().lower(), v.strip())
            if fields.get("name") and fields.get("version"):
                key = fields["name"].lower().replace("_", "-")
                seen.setdefault(key, (fields["name"], fields["version"],
                                      os.path.join(d, entry), fields.get("license")))
    return [seen[k] for k in sorted(seen)]


def tool_version(binary):
    r = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    return r.stdout.split()[1]


def image_sbom(args):
    rel = os_release()
    distro = "debian-" + (rel.get("VERSION_ID") or rel.get("VERSION_CODENAME", "unknown"))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
    timestamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    revision = args.revision or "unknown"
    vcs = "git+%s@%s" % (args.source, revision)
    components, deps = [], {}

    # pyfn itself
    pyfn_refs = {}
    pyfn_bin = os.path.join(args.prefix, "bin")
    for name in ("pyfn-host", "pyfn-worker"):
        version = tool_version(os.path.join(pyfn_bin, name))
        ref = "pyfn/%s" % name
        pyfn_refs[name] = ref
        components.append({
            "type": "application", "bom-ref": ref, "name": name, "version": version,
            "purl": "pkg:generic/pyfn/%s@%s?vcs_url=%s" % (name, version, purl_escape(vcs)),
            "licenses": licenses("MIT"),
            "externalReferences": [{"type": "vcs", "url": args.source}],
            "properties": [{"name": "pyfn:git-revision", "value": revision},
                           {"name": "pyfn:path", "value": os.path.join(pyfn_bin, name)}],
        })
    sys.path.insert(0, os.path.join(args.prefix, "lib/pyfn/python"))
    import azure.functions as af
    components.append({
        "type": "library", "bom-ref": "pyfn/azure.functions", "name": "azure-functions",
        "version": af.__version__,
        "description": "pyfn's own azure.functions (API-compatible with Microsoft's azure-functions)",
        "purl": "pkg:generic/pyfn/azure-functions@%s?vcs_url=%s" % (af.__version__, purl_escape(vcs)),
        "licenses": licenses("MIT"),
        "externalReferences": [{"type": "vcs", "url": args.source}],
        "properties": [{"name": "pyfn:git-revision", "value": revision},
                       {"name": "pyfn:path", "value": os.path.dirname(af.__file__)}],
    })

    # Static libraries inside pyfn-host and pyfn-worker (from the link, in the builder).
    static = json.load(open(args.static))
    by_key = {}
    for p in static["packages"]:
        key = "%s:%s" % (p["package"], p["arch"])
        ref = "static/" + key
        by_key[key] = ref
        into = sorted(b for b, pkgs in static["binaries"].items() if key in pkgs)
        components.append(deb_component(p, distro, ref, [
            ("pyfn:linkage", "static"),
            ("pyfn:linked-into", " ".join(into)),
            ("pyfn:archives", " ".join(p["files"])),
        ]))
    for binary, pkgs in static["binaries"].items():
        deps[pyfn_refs[binary]] = sorted(by_key[k] for k in pkgs)

    # Debian packages installed in the image.
    for p in installed_packages():
        components.append(deb_component(p, distro, "deb/%s:%s" % (p["package"], p["arch"]),
                                        [("pyfn:linkage", "installed")]))

    # Python distributions on python3's path.
    for name, version, path, lic in python_distributions():
        c = {"type": "library", "bom-ref": "pypi/%s" % name.lower(), "name": name,
             "version": version, "purl": "pkg:pypi/%s@%s" % (purl_escape(name.lower()), purl_escape(version)),
             "properties": [{"name": "pyfn:path", "value": path}]}
        if lic and lic.upper() != "UNKNOWN" and len(lic) < 80:
            c["licenses"] = licenses(lic)
        components.append(c)

    image_ref = "image"
    deps[image_ref] = sorted(c["bom-ref"] for c in components
                             if not c["bom-ref"].startswith("static/"))
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "name": "pyfn images/debian/sbom.py",
                                      "version": revision}]},
            "component": {
                "type": "container", "bom-ref": image_ref, "name": args.name,
                "version": args.tag,
                "licenses": licenses("MIT"),
                "externalReferences": [{"type": "vcs", "url": args.source}],
                "properties": [{"name": k, "value": v} for k, v in (
                    ("pyfn:version", args.version), ("pyfn:git-revision", revision),
                    ("pyfn:debian", rel.get("VERSION_CODENAME", "")),
                    ("pyfn:architecture", subprocess.run(["dpkg", "--print-architecture"],
                                                         capture_output=True, text=True).stdout.strip()))],
            },
        },
        "components": sorted(components, key=lambda c: c["bom-ref"]),
        "dependencies": [{"ref": r, "dependsOn": d} for r, d in sorted(deps.items())],
    }
    data = json.dumps(bom, indent=1, sort_keys=True)
    bom["serialNumber"] = "urn:uuid:%s" % uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(data.encode()).hexdigest())
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(bom, f, indent=1, sort_keys=True)
        f.write("\n")
    n_static = len(static["packages"])
    print("sbom: %s: %d components (%d static libraries' packages)" % (args.out, len(components), n_static))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "static":
        static_libraries(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description="CycloneDX SBOM of this image")
    ap.add_argument("mode", choices=["image"])
    ap.add_argument("--static", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--prefix", default="/opt/pyfn")
    ap.add_argument("--name", default="pyfn/python")
    ap.add_argument("--tag", default="")
    ap.add_argument("--version", default="dev")
    ap.add_argument("--revision", default="")
    ap.add_argument("--source", default="https://github.com/pyfn/pyfn")
    image_sbom(ap.parse_args())


if __name__ == "__main__":
    main()
