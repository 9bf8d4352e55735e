package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code FileChannelImpl.read(ByteBuffer)}. */
final class ChannelReadAdvice {
  private ChannelReadAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Return int n) {
    IoCounters.file(IoCounters.FILE_READ, path, n, start);
  }
}
