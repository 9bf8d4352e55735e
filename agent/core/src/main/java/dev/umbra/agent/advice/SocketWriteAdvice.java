package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.write(byte[], int, int)}: classic sockets since JDK 13. */
final class SocketWriteAdvice {
  private SocketWriteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("address") Object address,
      @Advice.FieldValue("port") int port,
      @Advice.Argument(2) int length,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      IoCounters.socket(IoCounters.SOCKET_WRITE, address, port, length, start);
    }
  }
}
