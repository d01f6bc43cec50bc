package shelter

import "context"

// Photo events, without their namespace.
const (
	EventPhotoAdded          = "photo.added"
	EventPhotoDeleted        = "photo.deleted"
	EventPhotoPrimaryChanged = "photo.primary.changed"
)

// Photo sizes: the stored copies of every photo.
const (
	PhotoThumb = "thumb" // about 320 px on the long side
	PhotoLarge = "large" // about 1600 px on the long side
)

// MaxPhotosPerPet caps a pet's gallery.
const MaxPhotosPerPet = 20

// Photo is one photo of a pet: its two stored copies (re-encoded JPEG, no
// metadata) are addressed by their content hashes.
type Photo struct {
	ID      string
	PetID   string
	Primary bool
	// Format is the upload's format (jpeg, png, webp, gif); Bytes its size.
	Format string
	Bytes  int
	// Width and Height are the large copy's; ThumbWidth and ThumbHeight
	// the thumbnail's.
	Width, Height           int
	ThumbWidth, ThumbHeight int
	ThumbHash, LargeHash    string
	Actor                   string
	CreatedAt               int64
}

// PhotoCopy is one stored copy of an upload, as the image package made it.
type PhotoCopy struct {
	Data          []byte
	Width, Height int
	Hash          string
}

// NewPhoto is an upload, checked and re-encoded.
type NewPhoto struct {
	Format       string
	Bytes        int
	Thumb, Large PhotoCopy
}

// PhotoService keeps pets' photos in the database. Every change records an
// event with the origin's actor in the same transaction.
type PhotoService interface {
	// AddPhoto stores a photo; the pet's first becomes its primary photo.
	// ECONFLICT for a deleted pet or a full gallery.
	AddPhoto(ctx context.Context, o Origin, petID string, p NewPhoto) (*Photo, error)
	// FindPhotos lists a pet's photos, the primary first, then oldest first.
	FindPhotos(ctx context.Context, petID string) ([]*Photo, error)
	// FindPrimaryPhotos returns the primary photo of each of the pets that
	// has one, by pet id.
	FindPrimaryPhotos(ctx context.Context, petIDs []string) (map[string]*Photo, error)
	// DeletePhoto removes a photo; when it was the primary, the oldest
	// remaining photo becomes the primary.
	DeletePhoto(ctx context.Context, o Origin, petID, photoID string) error
	// SetPrimaryPhoto makes a photo the pet's primary one.
	SetPrimaryPhoto(ctx context.Context, o Origin, petID, photoID string) (*Photo, error)
	// FindPhotoData returns the bytes of one stored copy (PhotoThumb or
	// PhotoLarge) when hash is that copy's content hash; ENOTFOUND
	// otherwise.
	FindPhotoData(ctx context.Context, photoID, size, hash string) ([]byte, error)
}
