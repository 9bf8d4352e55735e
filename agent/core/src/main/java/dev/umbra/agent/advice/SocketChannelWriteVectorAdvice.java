package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.write(ByteBuffer[], int, int)}. */
final class SocketChannelWriteVectorAdvice {
  private SocketChannelWriteVectorAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("remoteAddress") Object remote,
      @Advice.Return long n) {
    IoCounters.socket(IoCounters.SOCKET_WRITE, remote, 0, n, start);
  }
}
