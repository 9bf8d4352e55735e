package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code write(byte[], int, int)} of {@code FileOutputStream} and {@code RandomAccessFile}. */
final class FileWriteAdvice {
  private FileWriteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Argument(2) int length,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      IoCounters.file(IoCounters.FILE_WRITE, path, length, start);
    }
  }
}
