package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.read(byte[], int, int)}: classic sockets since JDK 13. */
final class SocketReadAdvice {
  private SocketReadAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("address") Object address,
      @Advice.FieldValue("port") int port,
      @Advice.Return int n) {
    IoCounters.socket(IoCounters.SOCKET_READ, address, port, n, start);
  }
}
