package dev.cistern.agent;

/** {@link ClientMistakesTest} on NIO (half-closes, resets and the lingering close behave alike on both transports). */
class ClientMistakesNioTest extends ClientMistakesTest {
    @Override
    String transport() {
        return "nio";
    }
}
