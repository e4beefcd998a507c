/// This build's version, as `videomock --version` and `GET /__admin/health` report it.
package let videoMockVersion = "1.1.0"
