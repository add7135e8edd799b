// Package emulator is a local stand-in for the Alibaba Cloud services the
// provider talks to: the PolarDB API (version 2017-08-01), of which it serves
// DescribeBackupTasks, DescribeBackups, DescribeLocalAvailableRecoveryTime,
// DescribeBackupPolicy and DescribeLogBackupPolicy from data and
// CreateBackup and DeleteBackup over it, and the sources of temporary
// credentials: STS (version 2015-04-01: AssumeRole, AssumeRoleWithOIDC), the
// ECS instance metadata service and a credentials URI. One handler serves
// them all: the metadata service and the credentials URI by path, the APIs
// by Action and Version.
//
// It checks requests the way the cloud does: both signature modes of the
// darabonba SDK, STS tokens and their expiry, clock skew and nonce replay,
// with the cloud's error codes, statuses and body shape. Tests run the real
// SDK and credentials-go against it and inspect what it received through
// Requests. Behind an HTTPS server (the command's --tls, or a test's, with
// a certificate of internal/loopbacktls) it serves STS as credentials-go
// insists on. Faults (WithFaults, SetFaults, SetClusterFaults) make the
// PolarDB API slow, throttled or failing, for testing a client's retries.
package emulator

import (
	"log"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// maxRecorded bounds the request log of a long-running emulator; the
// oldest entries go first.
const maxRecorded = 4096

// RecordedRequest is one request as the emulator understood it.
type RecordedRequest struct {
	// Action is the API's, or "ECSMetadata" for the metadata service and
	// "CredentialsURI" for the credentials URI.
	Action  string
	Version string
	// Params holds the API parameters only (DBClusterId, BackupJobId,
	// BackupMode, RoleArn, OIDCToken, Policy, and any other parameter that
	// is not part of the protocol), from the query and the form body. For
	// the metadata service and the credentials URI, it holds the URL path
	// as "Path".
	Params map[string]string
	// SignatureMode is "ACS3-HMAC-SHA256" or "HMAC-SHA1"; "" when no
	// signature was checked: an anonymous call (AssumeRoleWithOIDC), the
	// metadata service and the credentials URI, a request refused before
	// (a method other than GET and POST, an unreadable body), or a call
	// that got an injected fault.
	SignatureMode string
	// AccessKeyID is the key the request claimed, known or not.
	AccessKeyID string
	// UserAgent is the request's User-Agent header, for API calls.
	UserAgent string
	// Code is "" on success, else the error code answered; the metadata
	// service answers no codes, so for it this is the status text, such as
	// "Not Found". An injected fault without a code is "fault:" and its
	// kind, such as "fault:reset", or "fault:abandoned" for a client that
	// left during the injected latency.
	Code string
}

// Server is the emulator. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	now            func() time.Time
	logger         *log.Logger
	imdsv2Required bool
	creds          map[string]Credential
	clusters       map[string]*cluster
	roles          []Role // in data order, each ARN once
	seed           int64  // of rng
	finishAfter    time.Duration
	listingDelay   time.Duration
	deleteDelay    time.Duration

	mu       sync.Mutex // guards what follows
	nonces   nonceCache
	requests []RecordedRequest
	// issued holds the temporary credentials handed out, by access key ID.
	issued map[string]Credential
	// metadataTokens holds the IMDSv2 tokens handed out, with their expiry.
	metadataTokens map[string]time.Time
	// firstListed is when a progressing task was first listed, by cluster
	// and job ID.
	firstListed map[string]time.Time
	// backupCalls counts the DescribeBackups calls that listed a cluster's
	// backups, by cluster ID, for Backup.ListedFromCall.
	backupCalls map[string]int
	// clientTokens holds the ClientTokens of CreateBackup, with what each
	// started; lastJobID is the ID of the last task started, or above
	// every numeric ID of the data.
	clientTokens map[string]createdBackup
	lastJobID    int64
	// faults are the server's, never nil; clusterFaults a cluster's, by ID.
	faults        *faultScope
	clusterFaults map[string]*faultScope
	rng           *rand.Rand // for Fraction and Jitter
}

// cluster is what the emulator serves of a Cluster, its own copy.
type cluster struct {
	jobs         []BackupJob
	backups      []Backup
	listingDelay Duration      // 0: the server's
	quirks       []AnswerQuirk // of its answers
	omitFields   []string      // of its answers
	failTaken    bool          // Cluster.FailTakenBackups
	released     atomic.Bool   // ReleaseCluster
	// deleted is when DeleteBackup deleted each of its backups, by ID;
	// guarded by Server.mu.
	deleted map[string]time.Time
	// The policies, with the defaults where the data sets nothing.
	backupPolicy    BackupPolicy
	logBackupPolicy LogBackupPolicy
}

// Option configures a Server.
type Option func(*Server)

// WithClock replaces the server clock, against which request timestamps and
// the expiry of STS credentials and metadata tokens are checked, and from
// which issued credentials get their expiration.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger logs one line per request: action, cluster, status (0 for no
// answer), code, request ID, User-Agent and any injected fault. Secrets
// and tokens are never logged.
func WithLogger(l *log.Logger) Option {
	return func(s *Server) { s.logger = l }
}

// WithFinishAfter makes every task that has not finished and has no
// FinishesAfter of its own progress as if it had d.
func WithFinishAfter(d time.Duration) Option {
	return func(s *Server) { s.finishAfter = max(d, 0) }
}

// WithListingDelay makes DescribeBackups list the backup set of a task
// that progresses to Finished d after it did, as the service lists a new
// backup about a minute late, on every cluster without a listing_delay of
// its own. The default is 0: at once.
func WithListingDelay(d time.Duration) Option {
	return func(s *Server) { s.listingDelay = max(d, 0) }
}

// WithDeleteDelay keeps a backup that DeleteBackup deleted listed by
// DescribeBackups, unchanged, for d after the call, as a deletion the
// service does in the background would. The default is 0: gone at once.
func WithDeleteDelay(d time.Duration) Option {
	return func(s *Server) { s.deleteDelay = max(d, 0) }
}

// WithIMDSv2Required makes the metadata service refuse requests without an
// IMDSv2 token, as on an instance whose metadata access is set to
// token-only.
func WithIMDSv2Required() Option {
	return func(s *Server) { s.imdsv2Required = true }
}

// New returns a server for data. It keeps its own copy, so data may be
// changed afterwards. It panics, naming the entry, on data that LoadData
// would refuse (the same rules: Data.validate), as WithFaults does on
// faults: such a server could not serve the data faithfully.
func New(data Data, opts ...Option) *Server {
	if err := data.validate(); err != nil {
		panic("emulator: " + err.Error())
	}
	s := &Server{
		now:           time.Now,
		creds:         make(map[string]Credential, len(data.Credentials)),
		clusters:      make(map[string]*cluster, len(data.Clusters)),
		seed:          1,
		faults:        &faultScope{},
		clusterFaults: map[string]*faultScope{},
		firstListed:   map[string]time.Time{},
		backupCalls:   map[string]int{},
		clientTokens:  map[string]createdBackup{},
		lastJobID:     firstCreatedJobID - 1,
	}
	if data.Faults != nil {
		s.faults = newFaultScope(*data.Faults)
	}
	for _, c := range data.Credentials {
		s.creds[c.AccessKeyID] = c
	}
	for _, c := range data.Clusters {
		s.clusters[c.ID] = &cluster{
			jobs:         append([]BackupJob(nil), c.BackupJobs...),
			backups:      append([]Backup(nil), c.Backups...),
			deleted:      map[string]time.Time{},
			listingDelay: c.ListingDelay,
			quirks:       append([]AnswerQuirk(nil), c.AnswerQuirks...),
			omitFields:   append([]string(nil), c.OmitFields...),
			failTaken:    c.FailTakenBackups,

			backupPolicy:    c.BackupPolicy.withDefaults(),
			logBackupPolicy: c.LogBackupPolicy.withDefaults(),
		}
		if c.Faults != nil {
			s.clusterFaults[c.ID] = newFaultScope(*c.Faults)
		}
	}
	for _, r := range data.Roles {
		r.OIDCTokens = append([]string(nil), r.OIDCTokens...)
		s.roles = append(s.roles, r)
	}
	for _, opt := range opts {
		opt(s)
	}
	started := s.now()
	for _, c := range s.clusters {
		for i := range c.jobs {
			c.jobs[i] = c.jobs[i].dated(started)
			s.lastJobID = max(s.lastJobID, numericID(c.jobs[i].BackupJobId))
		}
		for i := range c.backups {
			c.backups[i] = c.backups[i].dated(started)
			s.lastJobID = max(s.lastJobID, numericID(c.backups[i].BackupId))
		}
	}
	s.rng = rand.New(rand.NewPCG(uint64(s.seed), 0))
	return s
}

// Requests returns a copy of the recorded requests, in arrival order,
// refused ones included: the most recent 4096 since the last Reset.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, r := range s.requests {
		r.Params = maps.Clone(r.Params)
		out[i] = r
	}
	return out
}

// Reset forgets the recorded requests. Used nonces, issued credentials and
// metadata tokens stay valid, as in the cloud.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func (s *Server) record(rec RecordedRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxRecorded {
		s.requests = append(s.requests[:0:0], s.requests[1:]...)
	}
	s.requests = append(s.requests, rec)
}
