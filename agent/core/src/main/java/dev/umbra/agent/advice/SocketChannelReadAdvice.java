package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.read(ByteBuffer)}. */
final class SocketChannelReadAdvice {
  private SocketChannelReadAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("remoteAddress") Object remote,
      @Advice.Return int n) {
    IoCounters.socket(IoCounters.SOCKET_READ, remote, 0, n, start);
  }
}
