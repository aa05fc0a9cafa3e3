"""Writes Tests/GraftTensorBoardTests/Fixtures/python-tensorboard.tfevents with TensorBoard's own Python code
(its protos and its RecordWriter, which does the TFRecord framing and masked CRC32C): the file Graft's reader
and framing are checked against. Fixed wall times, so the file is the same each time.

    pip install tensorboard && python3 Scripts/make-tensorboard-fixture.py
"""

from pathlib import Path

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.proto.histogram_pb2 import HistogramProto
from tensorboard.summary.writer.record_writer import RecordWriter

out = Path(__file__).resolve().parent.parent / "Tests/GraftTensorBoardTests/Fixtures/python-tensorboard.tfevents"
events = [event_pb2.Event(wall_time=1_700_000_000.0, step=0, file_version="brain.Event:2")]
for step in (1, 2, 3):
    values = [summary_pb2.Summary.Value(tag="loss/d", simple_value=0.25 * step),
              summary_pb2.Summary.Value(tag="loss/g", simple_value=-1.5 * step)]
    events.append(event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step,
                                  summary=summary_pb2.Summary(value=values)))
image = summary_pb2.Summary.Image(height=2, width=3, colorspace=1, encoded_image_string=b"\x89PNG not decoded")
histogram = HistogramProto(min=-1.0, max=2.0, num=4, sum=2.0, sum_squares=6.0, bucket_limit=[0.0, 2.0],
                           bucket=[1, 3])
events.append(event_pb2.Event(wall_time=1_700_000_004.0, step=3, summary=summary_pb2.Summary(value=[
    summary_pb2.Summary.Value(tag="samples", image=image),
    summary_pb2.Summary.Value(tag="weights/w", histo=histogram)])))
with open(out, "wb") as f:
    writer = RecordWriter(f)
    for event in events:
        writer.write(event.SerializeToString())
    writer.flush()
print(f"wrote {out} ({out.stat().st_size} bytes, {len(events)} events)")
