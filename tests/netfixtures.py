"""A scripted network for the reach tests: names resolve as a test says, public addresses are served on loopback.

Tests cannot use real DNS, so `ScriptedNetwork` answers lookups from a table (a name given
several answers gives the next one at each lookup: a name that changes, as in DNS rebinding).
Its dialer connects the stand-in public addresses below to 127.0.0.1 on the same port, so a
source can look public to the collector and still be served by a FaultyServer; any other
address that is not loopback is refused by the dialer itself, so no test connection ever
leaves the machine. Every lookup and every address asked for is logged for the assertions.
"""

from __future__ import annotations

import socket
import typing

import httpcore

from dailybrief.collect.reach import Network

# Global unicast addresses that stand for "a server on the internet"; the dialer serves them on loopback.
PUBLIC = "93.184.215.14"
PUBLIC_2 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
STAND_INS = frozenset({PUBLIC, PUBLIC_2})


class _Dialer(httpcore.AsyncNetworkBackend):
    """Connect stand-in public addresses and loopback addresses to 127.0.0.1; refuse anything else."""

    def __init__(self, owner: ScriptedNetwork) -> None:
        self.owner = owner
        self.real = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        self.owner.dialed.append(host)
        if host not in STAND_INS and host != "127.0.0.1":
            raise httpcore.ConnectError(f"test dialer: {host} is not routed (no packet leaves this machine)")
        return await self.real.connect_tcp("127.0.0.1", port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.real.sleep(seconds)


class ScriptedNetwork:
    """Lookups answered from a table; connections routed to loopback; both logged."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = {name: list(seq) for name, seq in answers.items()}
        self.lookups: list[str] = []
        self.dialed: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        """Return the next scripted answer for a name (the last one repeats); unknown names do not exist."""
        self.lookups.append(host)
        answers = self.answers.get(host.lower())
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def network(self) -> Network:
        """Return the Network the collector is given."""
        return Network(resolver=self.resolve, dialer=_Dialer(self))
