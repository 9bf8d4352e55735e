package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code FileChannelImpl.write(ByteBuffer, long)}: a positional write. */
final class ChannelWriteAtAdvice {
  private ChannelWriteAtAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Argument(1) long position,
      @Advice.Return int n) {
    IoCounters.fileAt(IoCounters.FILE_WRITE, path, position, n, start);
  }
}
