package dev.cistern.agent;

/** {@link HostileClientsTest} on NIO, the transport where epoll's native library does not load (macOS, riscv64). */
class HostileClientsNioTest extends HostileClientsTest {
    @Override
    String transport() {
        return "nio";
    }
}
