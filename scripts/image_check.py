"""Build the container image and check that it serves: `make image-check` (run by `.ci/run`).

No Docker daemon and no Docker Hub here, so the `Dockerfile` is built with buildah
(`--isolation chroot`) on a Debian bookworm made by debootstrap (`BASE_IMAGE`), kept between runs
in /var/cache/seminar-image and in buildah's store. Inside the build pip uses the host's
registries: its effective configuration (`pip config list`, PIP_* variables included) is written
to a file handed over as PIP_CONFIG_FILE, with the certificates, indexes and wheel directories it
names mounted read-only at the same paths.

The built image's filesystem is then run with `chroot` as the image's own user, in its own PID
and mount namespaces (so nothing it starts or mounts outlives the check): its `CMD` (migrations on
a fresh PostgreSQL database, then uvicorn) with the image's environment, its HEALTHCHECK, one
registration, the e-mail it queues, one export, and a clean stop on SIGTERM. Any failure exits
non-zero; the database, the buildah container and the server go away in every case.

Standard library only: it runs before (or without) the project's .venv.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "localhost/seminar-registration:check"
BUILD_STAGE = "localhost/seminar-registration:check-build-stage"
CACHE = Path(os.environ.get("IMAGE_CACHE_DIR", "/var/cache/seminar-image"))
SUITE = "bookworm"
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = "python3,python3-venv,ca-certificates,tzdata"
BASE_MAX_AGE_DAYS = 30  # then debootstrap again, for Debian's security updates
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
START_SECONDS = 90  # migrations and workers up
STOP_SECONDS = 30
_started = time.monotonic()


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[image-check {time.monotonic() - _started:6.1f}s] {message}", flush=True)


def run(*args: str, quiet: bool = False, **kwargs: Any) -> str:
    """Run a command; its output is returned (and shown when it fails)."""
    try:
        proc = subprocess.run(args, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"{shlex.join(args)} did not finish within {exc.timeout} s") from exc
    output: str = proc.stdout
    if proc.returncode != 0:
        raise CheckFailed(f"{shlex.join(args)} exited {proc.returncode}:\n{output[-4000:]}")
    if not quiet:
        sys.stdout.write(output)
    return output


def skip(reason: str) -> None:
    print(f"image-check SKIPPED: {reason}", flush=True)
    sys.exit(0)


# --- the base image: Debian bookworm with Python 3.11, made by debootstrap ---------------------


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def base_image() -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    with locked(CACHE / ".lock"):
        tarball = CACHE / f"{SUITE}-{PACKAGES.replace(',', '+')}.tar"
        if not tarball.exists() or time.time() - tarball.stat().st_mtime > BASE_MAX_AGE_DAYS * 86400:
            debootstrap(tarball)
        tag = f"localhost/seminar-base:{SUITE}-{int(tarball.stat().st_mtime)}"
        if subprocess.run(["buildah", "inspect", "--type", "image", tag], capture_output=True).returncode != 0:
            import_base(tarball, tag)
        else:
            say(f"base image {tag} (cached; from {tarball})")
    return tag


def debootstrap(tarball: Path) -> None:
    say(f"debootstrap {SUITE} with {PACKAGES} from {MIRROR} (once per {BASE_MAX_AGE_DAYS} days)")
    rootfs = CACHE / "rootfs.tmp"
    shutil.rmtree(rootfs, ignore_errors=True)
    try:
        run("debootstrap", "--variant=minbase", f"--include={PACKAGES}", SUITE, str(rootfs), MIRROR, quiet=True)
        # What an image needs no copy of: package caches and lists, manuals, translations.
        run(
            "sh",
            "-c",
            "rm -rf var/cache/apt/* var/lib/apt/lists/* usr/share/man/* usr/share/info/* "
            "usr/share/locale/* var/log/*.log && find usr/share/doc -type f ! -name copyright -delete",
            cwd=rootfs,
        )
        run("tar", "--numeric-owner", "-C", str(rootfs), "-cf", f"{tarball}.tmp", ".")
        os.replace(f"{tarball}.tmp", tarball)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
        Path(f"{tarball}.tmp").unlink(missing_ok=True)


def import_base(tarball: Path, tag: str) -> None:
    say(f"importing {tarball} as {tag}")
    ctr = run("buildah", "from", "scratch", quiet=True).strip()
    try:
        mnt = run("buildah", "mount", ctr, quiet=True).strip()
        run("tar", "--numeric-owner", "-C", mnt, "-xpf", str(tarball))
        run("buildah", "umount", ctr, quiet=True)
        run(
            "buildah",
            "config",
            "--env",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--env",
            "LANG=C.UTF-8",
            "--cmd",
            "python3",
            ctr,
            quiet=True,
        )
        run("buildah", "commit", "--quiet", ctr, tag, quiet=True)
    finally:
        subprocess.run(["buildah", "rm", ctr], capture_output=True)
    for old in run("buildah", "images", "--format", "{{.Name}}:{{.Tag}}", quiet=True).split():
        if old.startswith("localhost/seminar-base:") and old != tag:
            subprocess.run(["buildah", "rmi", old], capture_output=True)  # in use elsewhere: kept


# --- the build, with the host's pip registries ----------------------------------------------


def host_pip_config(workdir: Path) -> list[str]:
    """Write the host's effective pip settings to workdir/pip.conf; the `-v` mounts they need."""
    try:
        listing = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        listing = ""
    files: dict[str, dict[str, str]] = {}
    env: dict[str, str] = {}
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        section, _, name = key.rpartition(".")
        value = value.strip().strip("'\"")
        if section == ":env:":
            env[name] = value
        elif section and name:
            files.setdefault(section, {})[name] = value
    files.setdefault("global", {}).update(env)  # the variables win over the files
    lines = []
    for section, items in files.items():
        lines.append(f"[{section}]")
        lines += [f"{name} = {value}" for name, value in items.items()]
    (workdir / "pip.conf").write_text("\n".join(lines) + "\n")
    mounts = set()
    for items in files.values():
        for name, value in items.items():
            for token in value.split():
                path = Path(token.removeprefix("file://"))
                if name.endswith("index-url") and token.startswith("file://"):
                    path = path.parent  # a local index's links lead to ../../files/...
                if path.is_absolute() and path.exists():
                    mounts.add(str(path))
    if mounts:
        say("pip inside the build: " + ", ".join(f"{k}={v}" for k, v in files["global"].items()))
    return [arg for path in sorted(mounts) for arg in ("-v", f"{path}:{path}:ro")]


def build(base: str, workdir: Path) -> str:
    """The image's ID (the tag is only for people: a check running beside this one may move it).
    The build stage is tagged too, so that pruning what earlier builds left untagged keeps its
    layers (the venv) as the cache of the next build."""
    say(f"buildah bud on {base}")
    options = [
        "--isolation",
        "chroot",
        "--format",
        "docker",
        "--layers",
        "--force-rm",
        "--pull=never",
        "--build-arg",
        f"BASE_IMAGE={base}",
        "--build-arg",
        "PIP_CONFIG_FILE=/run/host-pip/pip.conf",
        "-v",
        f"{workdir}:/run/host-pip:ro",
        *host_pip_config(workdir),
        "-f",
        str(ROOT / "Dockerfile"),
    ]
    run("buildah", "bud", *options, "--target", "build", "-t", BUILD_STAGE, str(ROOT), quiet=True)
    run("buildah", "bud", *options, "--iidfile", str(workdir / "iid"), "-t", IMAGE, str(ROOT), quiet=True)
    return (workdir / "iid").read_text().strip()


# --- running the image's filesystem ---------------------------------------------------------


class Database:
    """A fresh PostgreSQL database for one check, dropped afterwards (and those of dead checks)."""

    prefix = "image_check_"

    def __init__(self) -> None:
        self.name = f"{self.prefix}{os.getpid()}"

    def sql(self, statement: str) -> str:
        return run(
            "psql",
            "-h",
            PG["host"],
            "-p",
            PG["port"],
            "-U",
            PG["user"],
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-Atc",
            statement,
            quiet=True,
        )

    def __enter__(self) -> str:
        for name in self.sql(f"SELECT datname FROM pg_database WHERE datname LIKE '{self.prefix}%'").split():
            if not _alive(int(name.removeprefix(self.prefix))):
                self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{self.name}"')
        return f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{self.name}"

    def __exit__(self, *exc: object) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        say(f"database {self.name} dropped")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@contextlib.contextmanager
def mounted_image(image: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The image's filesystem (a buildah working container, mounted) and its configuration."""
    name = f"image-check-{os.getpid()}"
    for ctr in run("buildah", "containers", "--format", "{{.ContainerName}}", quiet=True).split():
        if ctr.startswith("image-check-") and not _alive(int(ctr.removeprefix("image-check-"))):
            subprocess.run(["buildah", "rm", ctr], capture_output=True)  # left by a check that was killed
    config = json.loads(run("buildah", "inspect", "--type", "image", image, quiet=True))["Docker"]["config"]
    run("buildah", "from", "--pull=never", "--name", name, image, quiet=True)
    try:
        yield Path(run("buildah", "mount", name, quiet=True).strip()), config
    finally:
        subprocess.run(["buildah", "umount", name], capture_output=True)
        subprocess.run(["buildah", "rm", name], capture_output=True)


class Chroot:
    """Commands run in the image's filesystem as its user, in the image's working directory."""

    def __init__(self, mnt: Path, config: dict[str, Any], env: dict[str, str]) -> None:
        self.mnt = mnt
        user = config.get("User") or "root"
        uid, gid, home = self._user(user)
        if uid == 0:
            raise CheckFailed(f"the image runs as root (USER {user!r})")
        self.userspec = f"{uid}:{gid}"
        self.workdir = config.get("WorkingDir") or "/"
        image_env = dict(item.split("=", 1) for item in config.get("Env") or [])
        self.env = {"HOME": home, **image_env, **env}

    def _user(self, user: str) -> tuple[int, int, str]:
        name = user.split(":")[0]
        for line in (self.mnt / "etc/passwd").read_text().splitlines():
            fields = line.split(":")
            if name in (fields[0], fields[2]):
                return int(fields[2]), int(fields[3]), fields[5]
        raise CheckFailed(f"USER {user!r} is not in the image's /etc/passwd")

    def argv(self, command: list[str]) -> list[str]:
        """In its own PID and mount namespaces, so /proc and /dev are mounted there only, and every
        process in it dies with it. Its first process stays root (a credential change would clear
        the SIGKILL that `unshare --kill-child` arms for when `unshare`, or the check, dies): it
        runs the command as the image's user, passes SIGTERM on and exits with the command's code."""
        inner = [
            "chroot",
            f"--userspec={self.userspec}",
            str(self.mnt),
            "/usr/bin/env",
            "-i",
            "-C",
            self.workdir,
            *(f"{k}={v}" for k, v in self.env.items()),
            *command,
        ]
        return [
            "unshare",
            "--fork",
            "--pid",
            "--mount",
            "--kill-child",
            f"--mount-proc={self.mnt}/proc",
            "sh",
            "-c",
            _NAMESPACE_INIT,
            str(self.mnt),
            *inner,
        ]

    def run(self, command: list[str], timeout: float = 120) -> str:
        return run(*self.argv(command), quiet=True, timeout=timeout, preexec_fn=_die_with_parent)

    def start(self, command: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(
                self.argv(command), stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
            )


_NAMESPACE_INIT = """
mount --rbind /dev "$0/dev" || exit 125
"$@" & child=$!
trap 'kill -TERM $child' TERM
wait $child; code=$?
while kill -0 $child 2>/dev/null; do wait $child; code=$?; done
exit $code
"""


def _die_with_parent() -> None:
    """The check's children (unshare, then all in its namespace) die with the check, even on SIGKILL."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def expect(status: int, answer: tuple[int, bytes], what: str) -> Any:
    if answer[0] != status:
        raise CheckFailed(f"{what}: {answer[0]} instead of {status}: {answer[1][:2000]!r}")
    say(f"{what}: {status}")
    return json.loads(answer[1]) if answer[1][:1] in (b"{", b"[") else answer[1]


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"the server exited {server.returncode} before answering /readyz")
        with contextlib.suppress(OSError):
            if http("GET", f"{base}/readyz")[0] == 200:
                return
        time.sleep(0.5)
    raise CheckFailed(f"/readyz did not answer 200 within {START_SECONDS} s")


def exercise(base: str, admin: str, mnt: Path) -> None:
    """One event, one registration (its e-mail lands in the outbox directory), one export."""
    starts = date.today() + timedelta(days=30)
    event = expect(
        201,
        http(
            "POST",
            f"{base}/api/v1/events",
            {
                "slug": "image-check",
                "title": "Image check",
                "venue": "Serock",
                "timezone": "Europe/Warsaw",
                "starts_on": starts.isoformat(),
                "ends_on": (starts + timedelta(days=1)).isoformat(),
                "capacity": 10,
            },
            token=admin,
        ),
        "create an event",
    )
    registration = expect(
        201,
        http(
            "POST",
            f"{base}/api/v1/events/{event['id']}/registrations",
            {
                "first_name": "Łucja",
                "last_name": "Żak",
                "email": "l.zak@example.org",
                "organization": "Urząd Gminy Serock",
                "consent": True,
            },
        ),
        "register",
    )
    if registration.get("status") != "confirmed" or not registration.get("token"):
        raise CheckFailed(f"registration answered {registration}")
    export = expect(
        200,
        http("GET", f"{base}/api/v1/events/{event['id']}/registrations/export?format=csv", token=admin),
        "export the registrations (CSV)",
    )
    rows = list(csv.reader(io.StringIO(export.decode("utf-8-sig"))))
    if not any("Żak" in row for row in rows):
        raise CheckFailed(f"the export does not list the registration: {rows[:3]}")
    outbox = mnt / "srv/data/outbox"
    for _ in range(40):
        if any(outbox.glob("*.eml")):
            say(f"confirmation e-mail written to {outbox.relative_to(mnt)} (no SMTP_URL)")
            return
        time.sleep(0.5)
    raise CheckFailed("no confirmation e-mail in /srv/data/outbox within 20 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the namespace's first process, which passes it to the CMD: exit 0 in time."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    if not children:
        raise CheckFailed("the server's main process is gone")
    os.kill(int(children[0]), signal.SIGTERM)
    try:
        code = server.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"the server did not stop within {STOP_SECONDS} s of SIGTERM") from exc
    if code != 0:
        raise CheckFailed(f"the server exited {code} on SIGTERM")
    say("SIGTERM: the server stopped cleanly (exit 0)")


def inspect_contents(mnt: Path, chroot: Chroot) -> None:
    found = [
        p
        for p in ("usr/bin/gcc", "usr/bin/cc", "usr/bin/make", "opt/venv/bin/pip", "opt/venv/bin/pytest")
        if (mnt / p).exists()
    ]
    if found:
        raise CheckFailed(f"build or test tools in the image: {found}")
    chroot.run(
        [
            "python",
            "-c",
            "import importlib, pkgutil, app; [importlib.import_module(m.name) for m in "
            "pkgutil.walk_packages(app.__path__, 'app.')]",
        ]
    )
    say(f"every app module imports as user {chroot.userspec}; no compiler, pip or pytest inside")


def serve_check(image: str) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="image-check-") as tmp,
        mounted_image(image) as (mnt, config),
        Database() as database_url,
    ):
        port, admin = free_port(), secrets.token_urlsafe(24)
        chroot = Chroot(
            mnt,
            config,
            {
                "DATABASE_URL": database_url,
                "ADMIN_TOKEN": admin,
                "SECRET_KEY": secrets.token_urlsafe(32),
                "METRICS_TOKEN": secrets.token_urlsafe(24),
                "PORT": str(port),
                "WORKERS": "2",
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                "DB_POOL_SIZE": "5",
                "DB_MAX_OVERFLOW": "5",
            },
        )
        inspect_contents(mnt, chroot)
        log = Path(tmp) / "server.log"
        say(f"CMD {shlex.join(config['Cmd'])} (port {port}, database {database_url.rsplit('/', 1)[1]})")
        server = chroot.start(config["Cmd"], log)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, server)
            say("/readyz: 200 (migrations ran, workers up)")
            healthcheck = config.get("Healthcheck", {}).get("Test") or []
            if healthcheck[:1] == ["CMD-SHELL"]:
                chroot.run(["sh", "-c", healthcheck[1]], timeout=30)
                say("the image's HEALTHCHECK passes")
            exercise(base, admin, mnt)
            stop(server)
        except BaseException:
            sys.stdout.write(f"--- server output ---\n{log.read_text(errors='replace')[-6000:]}\n---\n")
            raise
        finally:
            if server.poll() is None:
                server.kill()  # unshare --kill-child: the namespace and its processes go with it
                server.wait()


def image_size(image: str) -> str:
    return run("buildah", "images", "--format", "{{.Size}}", image, quiet=True).strip()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on `kill` too
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    if os.geteuid() != 0:
        skip("needs root (debootstrap, buildah's chroot isolation, chroot); run as root or in CI")
    missing = [tool for tool in ("buildah", "debootstrap") if not shutil.which(tool)]
    if missing:
        skip(f"not installed: {', '.join(missing)} (apt-get install buildah debootstrap; `make image-check` does)")
    if subprocess.run(["buildah", "info"], capture_output=True).returncode != 0:
        skip("buildah cannot run on this machine (`buildah info` fails)")
    try:
        missing = [tool for tool in ("unshare", "chroot", "psql") if not shutil.which(tool)]
        if missing:
            raise CheckFailed(f"not installed: {', '.join(missing)} (util-linux, coreutils, postgresql-client)")
        with tempfile.TemporaryDirectory(prefix="image-build-") as workdir:
            image = build(base_image(), Path(workdir))
        say(f"built {IMAGE} ({image.removeprefix('sha256:')[:12]}): {image_size(image)}")
        serve_check(image)
    except CheckFailed as exc:
        print(f"image-check FAILED: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
    finally:
        subprocess.run(["buildah", "rmi", "--prune"], capture_output=True)  # what earlier builds left untagged
    say("image-check passed")


if __name__ == "__main__":
    main()
