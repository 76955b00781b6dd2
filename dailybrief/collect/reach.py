"""What a fetch may reach: public addresses, plus the kind of network the source itself is on.

Every HTTP connection the collector opens goes through `GuardedBackend`: the host is looked up
once, each address is checked, and the connection is made to a checked address, so a name
that answers differently the next time (DNS rebinding) cannot slip past the check. A fetch
may connect to public addresses; a source whose own configured URL is on a loopback, private
or other non-public address (an intranet source the operator chose) may also reach that kind
of network; `[collect] allow_private_networks = true` lifts the rule altogether.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# Checked in this order: ipaddress also calls 127.0.0.1, 169.254.169.254 and 240.0.0.1 "private".
KIND_CHECKS: tuple[tuple[str, str], ...] = (
    ("loopback", "is_loopback"), ("link-local", "is_link_local"), ("multicast", "is_multicast"),
    ("unspecified", "is_unspecified"), ("reserved", "is_reserved"), ("private", "is_private"),
)
KIND_PHRASES = {
    "loopback": "a loopback address", "link-local": "a link-local address", "multicast": "a multicast address",
    "unspecified": "an unspecified address", "private": "a private address", "reserved": "a reserved address",
    "non-public": "not a public address",
}
# IPv6 forms that carry an IPv4 address inside (NAT64); mapped and 6to4 forms have ipaddress accessors.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the address a host names literally (127.0.0.1, ::1, [::1]), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address stands for (::ffff:10.0.0.5, 2002:a00:5::, 64:ff9b::a00:5)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(text: str) -> str | None:
    """Return the kind of non-public network an address is on ('loopback', 'private', …), None when public."""
    address = ip_literal(text)
    if address is None:
        return "non-public"  # not an address at all: never treat it as reachable
    address = embedded_ipv4(address) or address
    for kind, attribute in KIND_CHECKS:
        if getattr(address, attribute):
            return kind
    return None if address.is_global else "non-public"


@dataclass(frozen=True)
class Reach:
    """The non-public kinds of network a fetch may connect to (none: public addresses only)."""

    kinds: frozenset[str] = frozenset()
    everything: bool = False

    def refusal(self, address: str) -> str | None:
        """Return why connecting to an address is refused ('10.0.0.5 is a private address'), None when allowed."""
        if self.everything:
            return None
        kind = address_kind(address)
        if kind is None or kind in self.kinds:
            return None
        return f"{address} is {KIND_PHRASES[kind]}"


class Refused(Exception):
    """A connection the reach rules forbid; the message names the address and why."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Look a host up with the operating system's resolver; return its addresses, each once."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Network:
    """How hosts are looked up and connected to: the system's by default (tests route names to loopback)."""

    resolver: Resolver = system_resolver
    dialer: httpcore.AsyncNetworkBackend = field(default_factory=httpcore.AnyIOBackend)


async def addresses_of(host: str, port: int, resolver: Resolver) -> list[str]:
    """Return the addresses a host stands for: itself when it is an address, else what the resolver says."""
    if ip_literal(host) is not None:
        return [host.strip("[]")]  # as written, so a refusal names it the way the link did
    return list(await resolver(host, port))


async def reach_of(url: str, network: Network, timeout: float | None = None) -> Reach:
    """Return what a source at `url` may reach: public addresses plus the kinds of network its own host is on."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return Reach()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with anyio.fail_after(timeout):
            addresses = await addresses_of(parts.hostname, port, network.resolver)
    except (OSError, TimeoutError, UnicodeError):
        return Reach()  # the source's own fetch will then report the lookup failure
    return Reach(frozenset(kind for a in addresses if (kind := address_kind(a)) is not None))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Open TCP connections only to addresses a Reach allows, looking each host up exactly once."""

    def __init__(self, reach: Reach, network: Network) -> None:
        self.reach = reach
        self.network = network

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        """Resolve, check every address, and connect to the first allowed one that answers."""
        try:
            with anyio.fail_after(timeout):
                addresses = await addresses_of(host, port, self.network.resolver)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"looking up {host} timed out") from exc
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if not addresses:
            raise httpcore.ConnectError("Name or service not known")
        allowed = [a for a in addresses if self.reach.refusal(a) is None]
        if not allowed:
            raise Refused(self.reach.refusal(addresses[0]))
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in allowed:
            try:
                return await self.network.dialer.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # noqa: S101 - `allowed` is not empty, so some attempt failed
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        """Refuse: a fetch never reaches a local socket."""
        raise Refused(f"{path} is a local socket")

    async def sleep(self, seconds: float) -> None:
        """Sleep the way the dialer does."""
        await self.network.dialer.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool opening connections through a GuardedBackend."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx 0.28 takes no network backend: rebuild its pool (same settings) around ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend)
