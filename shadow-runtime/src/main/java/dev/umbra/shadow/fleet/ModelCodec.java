package dev.umbra.shadow.fleet;

import com.google.protobuf.ByteString;
import dev.umbra.proto.v1.ModelArtifact;
import dev.umbra.proto.v1.SeriesModel;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** LSTM models to and from {@code SeriesModel} (DL4J's zip format inside). */
final class ModelCodec {
  static final String KIND = "lstm";

  private ModelCodec() {}

  static SeriesModel encode(String series, LstmModel model, long trainingSeconds) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    ModelSerializer.writeModel(model.network(), out, false);
    SeriesModel.Builder b = SeriesModel.newBuilder()
        .setSeries(series)
        .setKind(KIND)
        .setBlockSec(model.blockSec())
        .setHorizonSec(model.horizonSec())
        .setNetwork(ByteString.copyFrom(out.toByteArray()))
        .setTrainingSeconds(trainingSeconds);
    for (double level : model.levels().toArray()) {
      b.addQuantileLevels(level);
    }
    return b.build();
  }

  /** Every LSTM of an artifact by series; throws naming the series that cannot be read. */
  static Map<String, LstmModel> decode(ModelArtifact artifact) throws IOException {
    Map<String, LstmModel> out = new LinkedHashMap<>();
    Instant trainedUntil = Instant.ofEpochMilli(artifact.getTrainedUntilUnixMs());
    for (SeriesModel m : artifact.getModelsList()) {
      if (!KIND.equals(m.getKind())) {
        continue; // a kind this build does not know
      }
      try {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(m.getNetwork().toByteArray()), false);
        double[] levels = m.getQuantileLevelsList().stream().mapToDouble(Double::doubleValue).toArray();
        out.put(m.getSeries(), new LstmModel(net, QuantileLevels.of(levels), m.getBlockSec(), m.getHorizonSec(),
            artifact.getVersion(), trainedUntil));
      } catch (IOException | RuntimeException e) {
        throw new IOException("workload " + artifact.getWorkload() + " v" + artifact.getVersion() + " series "
            + m.getSeries() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
