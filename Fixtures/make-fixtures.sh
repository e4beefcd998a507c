#!/usr/bin/env bash
# Encodes the frames VideoMock builds its videos from, once, with ffmpeg (the server never
# runs an encoder). For each picture size (every size `videomock sizes` lists, or the sizes given
# as arguments, such as 1280x720):
#   media/frames/WxH.mp4         H.264: an IDR picture, 59 P frames that repeat it (every
#                                macroblock skipped, frame_num 1 to 59), then 3 more IDR pictures
#                                of other colours. A second of video is an IDR and skips.
#   media/thumbnails/WxH.webp    the first picture, fitted in 320x320
#   media/spritesheets/WxH.jpg   the four pictures side by side, each fitted in 160x160
# and once: media/silence.mp4 (AAC-LC, 48 kHz stereo, one second of silence).
# Needs ffmpeg with libx264 and libwebp.
set -euo pipefail
cd "$(dirname "$0")"
FIXTURES=$PWD
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  binary=${VIDEOMOCK_BINARY:-$FIXTURES/../.build/debug/videomock}
  [ -x "$binary" ] || (cd .. && swift build --product videomock >/dev/null)
  mapfile -t sizes < <("$binary" sizes --fixtures "$FIXTURES")
fi
mkdir -p media/frames media/thumbnails media/spritesheets
colors=(0x3050a0 0xa05030 0x30a050 0xc0b040)
bitexact=(-map_metadata -1 -fflags +bitexact -flags +bitexact)
for size in "${sizes[@]}"; do
  inputs=()
  for color in "${colors[@]}"; do inputs+=(-f lavfi -i "color=c=$color:size=$size:rate=60"); done
  # 60 frames of the first colour (an IDR then skips), then one IDR of each other colour.
  ffmpeg -loglevel error -y "${inputs[@]}" \
    -filter_complex "[0]trim=end_frame=60[a];[1]trim=end_frame=1[b];[2]trim=end_frame=1[c];[3]trim=end_frame=1[d];[a][b][c][d]concat=n=4:v=1[v]" \
    -map "[v]" -c:v libx264 -profile:v high -pix_fmt yuv420p -preset medium -crf 28 -g 60 -bf 0 \
    -x264-params "scenecut=0:keyint=60:min-keyint=1" -force_key_frames "expr:gte(n,60)" \
    -bsf:v "filter_units=remove_types=6" "${bitexact[@]}" "media/frames/$size.mp4"
  ffmpeg -loglevel error -y -f lavfi -i "color=c=${colors[0]}:size=$size" -frames:v 1 \
    -vf "scale=320:320:force_original_aspect_ratio=decrease:force_divisible_by=2" -c:v libwebp -quality 60 "${bitexact[@]}" \
    "media/thumbnails/$size.webp"
  ffmpeg -loglevel error -y -i "media/frames/$size.mp4" \
    -vf "select='eq(n,0)+gte(n,60)',scale=160:160:force_original_aspect_ratio=decrease:force_divisible_by=2,tile=4x1" \
    -frames:v 1 -q:v 6 "${bitexact[@]}" "media/spritesheets/$size.jpg"
  echo "$size"
done
if [ $# -eq 0 ] || [ ! -f media/silence.mp4 ]; then
  ffmpeg -loglevel error -y -f lavfi -i "anullsrc=r=48000:cl=stereo" -t 1 -c:a aac -b:a 64k "${bitexact[@]}" media/silence.mp4
fi
