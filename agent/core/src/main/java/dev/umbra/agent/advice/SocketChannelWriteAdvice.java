package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.write(ByteBuffer)}. */
final class SocketChannelWriteAdvice {
  private SocketChannelWriteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("remoteAddress") Object remote,
      @Advice.Return int n) {
    IoCounters.socket(IoCounters.SOCKET_WRITE, remote, 0, n, start);
  }
}
