//! Decoding, resizing and encoding an outlet's image, in memory: bytes in, our own JPEG or PNG
//! out. Only JPEG, PNG, GIF and WebP are read (recognised by their bytes, whatever the server
//! called them; SVG and everything else are refused), the declared size is checked before any
//! pixel is decoded (a decompression bomb declares a huge one in a tiny file), and re-encoding
//! writes pixels only: EXIF, with its camera and place, is not carried over (its orientation is
//! applied first).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

/// The widths pages ask for; an image is never made wider than it is.
pub(crate) const WIDTHS: [u32; 3] = [320, 640, 1024];
/// Most pixels an image may have (40 megapixels, about 160 MB decoded).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;
/// Longest side an image may have.
const MAX_SIDE: u32 = 40_000;
/// Memory one decode may take.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// JPEG quality of what we send.
const JPEG_QUALITY: u8 = 82;

/// Why an image was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a JPEG, PNG, GIF or WebP image (SVG, HTML, anything else), or one that cannot be
    /// read.
    NotAnImage(String),
    /// More pixels than we decode.
    TooManyPixels(String),
}

/// Our own encoding of an image at one width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Encoded {
    /// The file.
    pub(crate) bytes: Vec<u8>,
    /// Its width in pixels.
    pub(crate) width: u32,
    /// Its height in pixels.
    pub(crate) height: u32,
}

/// The media type of an encoded image, from its first bytes.
pub(crate) fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") { "image/png" } else { "image/jpeg" }
}

/// Decodes `bytes`, refusing what is not a raster image we read or is too large to decode.
pub(crate) fn decode(bytes: &[u8]) -> Result<DynamicImage, Refusal> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Refusal::NotAnImage(format!("its bytes could not be read ({e})")))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP) => {}
        Some(other) => return Err(Refusal::NotAnImage(format!("{other:?} images are not shown"))),
        None => return Err(Refusal::NotAnImage("it is not a JPEG, PNG, GIF or WebP image".to_string())),
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal::TooManyPixels(format!("it declares {width}×{height} pixels")));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// `image` at most `width` pixels wide, as JPEG when it is opaque and PNG when it has an alpha
/// channel.
pub(crate) fn encode(image: &DynamicImage, width: u32) -> Result<Encoded, Refusal> {
    let resized;
    let image = if image.width() > width {
        resized = image.resize(width, u32::MAX, FilterType::Triangle);
        &resized
    } else {
        image
    };
    let mut bytes = Vec::new();
    let written = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
    };
    written.map_err(|e| Refusal::NotAnImage(format!("it could not be encoded again ({e})")))?;
    Ok(Encoded { bytes, width: image.width(), height: image.height() })
}

fn refusal(e: ImageError) -> Refusal {
    match e {
        ImageError::Limits(l) => Refusal::TooManyPixels(format!("it is larger than Tidings decodes ({l})")),
        other => Refusal::NotAnImage(format!("it could not be decoded ({other})")),
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)).unwrap();
        out
    }

    #[test]
    fn opaque_images_become_jpeg_at_the_width_asked_and_never_wider() {
        let image = decode(&jpeg(800, 400)).unwrap();
        let small = encode(&image, 320).unwrap();
        assert_eq!((small.width, small.height), (320, 160));
        assert_eq!(content_type(&small.bytes), "image/jpeg");
        let large = encode(&image, 1024).unwrap();
        assert_eq!((large.width, large.height), (800, 400), "never upscaled");
    }

    #[test]
    fn images_with_alpha_become_png() {
        let img = RgbaImage::from_pixel(40, 30, Rgba([10, 20, 30, 128]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(img.as_raw(), 40, 30, image::ExtendedColorType::Rgba8)
            .unwrap();
        let out = encode(&decode(&png).unwrap(), 640).unwrap();
        assert_eq!(content_type(&out.bytes), "image/png");
        assert_eq!((out.width, out.height), (40, 30));
    }

    #[test]
    fn exif_is_not_carried_over() {
        let tagged = tidings_testkit::images::with_exif(&jpeg(64, 48));
        assert!(tagged.windows(4).any(|w| w == b"Exif"));
        let out = encode(&decode(&tagged).unwrap(), 320).unwrap();
        assert!(!out.bytes.windows(4).any(|w| w == b"Exif" || w == b"Leak"));
    }

    #[test]
    fn svg_html_and_bombs_are_refused() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;
        assert!(matches!(decode(svg), Err(Refusal::NotAnImage(_))));
        assert!(matches!(decode(b"<!DOCTYPE html><p>hi"), Err(Refusal::NotAnImage(_))));
        let bomb = tidings_testkit::images::png_declaring(100_000, 100_000);
        assert!(matches!(decode(&bomb), Err(Refusal::TooManyPixels(_))), "{:?}", decode(&bomb));
        let wide = tidings_testkit::images::png_declaring(30_000, 2_000);
        assert!(matches!(decode(&wide), Err(Refusal::TooManyPixels(_))), "{:?}", decode(&wide));
    }
}
