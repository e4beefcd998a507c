#!/usr/bin/env bash
# Regenerates the media VideoMock serves: real H.264 MP4s (with an AAC track for models that
# generate audio) in three orientations, plus a WebP thumbnail and a JPEG spritesheet for each.
# Needs ffmpeg (with libx264 and libwebp); the server itself never does.
set -euo pipefail
cd "$(dirname "$0")/media"

declare -A sizes=([landscape]=320x180 [portrait]=180x320 [square]=240x240)
for orientation in landscape portrait square; do
  size=${sizes[$orientation]}
  video=(-f lavfi -i "testsrc2=size=${size}:rate=24:duration=2")
  encode=(-c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryslow -crf 32 -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact)
  ffmpeg -loglevel error -y "${video[@]}" "${encode[@]}" -an "$orientation.mp4"
  ffmpeg -loglevel error -y "${video[@]}" -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=2" \
    "${encode[@]}" -c:a aac -b:a 48k -flags:a +bitexact -shortest "$orientation-audio.mp4"
  ffmpeg -loglevel error -y -i "$orientation.mp4" -frames:v 1 -c:v libwebp -quality 60 "$orientation-thumbnail.webp"
  ffmpeg -loglevel error -y -i "$orientation.mp4" -vf "fps=2,scale=iw/2:-2,tile=4x1" -frames:v 1 -q:v 6 "$orientation-spritesheet.jpg"
done
ls -l
