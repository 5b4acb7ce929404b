/** An SVG document as a data URL for `<img src>` (the CSP allows data: images; SVG is never put in the DOM as markup). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`
}
