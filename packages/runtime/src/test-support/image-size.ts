/** Width, height and format from a PNG or WebP header, without an image library. */
export function imageSize(data: Buffer): { format: "png" | "webp"; width: number; height: number } | null {
  if (data.subarray(1, 4).toString("latin1") === "PNG") {
    return { format: "png", width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data.subarray(0, 4).toString("latin1") !== "RIFF" || data.subarray(8, 12).toString("latin1") !== "WEBP")
    return null;
  const chunk = data.subarray(12, 16).toString("latin1");
  if (chunk === "VP8X")
    return { format: "webp", width: 1 + data.readUIntLE(24, 3), height: 1 + data.readUIntLE(27, 3) };
  if (chunk === "VP8L") {
    const bits = data.readUInt32LE(21);
    return { format: "webp", width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ")
    return { format: "webp", width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  return null;
}
